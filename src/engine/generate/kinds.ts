/**
 * `kubeutils.GetKindFromGVK` (kyverno/pkg/utils/kube/kind.go): splits a cloneList kind such as `v1/Secret`
 * or `apps/v1/Deployment` into [apiVersion, kind]. A kind alone gives an empty apiVersion; `Kind.sub`
 * becomes `Kind/sub`.
 * Examples: `'v1/Secret'` -> `['v1', 'Secret']`; `'networking.k8s.io/v1/NetworkPolicy'` ->
 * `['networking.k8s.io/v1', 'NetworkPolicy']`; `'Secret'` -> `['', 'Secret']`.
 */
const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

function formatSubresource(s: string): string {
  return s.replace('.', '/');
}

export function getKindFromGvk(str: string): [string, string] {
  const parts = str.split('/');
  switch (parts.length) {
    case 1:
      return ['', formatSubresource(str)];
    case 2: {
      const [p0, p1] = parts as [string, string];
      if (p0 === '*' && p1 === '*') return ['', `${p0}/${p1}`];
      if (VERSION_RE.test(p0)) return [p0, formatSubresource(p1)];
      return ['', `${p0}/${p1}`];
    }
    case 3: {
      const [p0, p1, p2] = parts as [string, string, string];
      if (VERSION_RE.test(p0)) return [p0, `${p1}/${p2}`];
      return [`${p0}/${p1}`, formatSubresource(p2)];
    }
    case 4: {
      const [p0, p1, p2, p3] = parts as [string, string, string, string];
      return [`${p0}/${p1}`, `${p2}/${p3}`];
    }
    default:
      return ['', ''];
  }
}
