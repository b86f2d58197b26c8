/**
 * Kyverno's images functions: expected results and error texts are those of Kyverno's Go implementation
 * (pkg/engine/jmespath) for the same expressions; rows from Kyverno's own unit tests are included.
 */
import { runRows, type Row } from '../rows.test.ts';

const images: Row[] = [
  { expr: "image_normalize('nginx')", data: {}, want: "docker.io/nginx:latest" },
  { expr: "image_normalize('docker.io/nginx')", data: {}, want: "docker.io/nginx:latest" },
  { expr: "image_normalize('ghcr.io/nginx:1.2')", data: {}, want: "ghcr.io/nginx:1.2" },
  { expr: "image_normalize('')", data: {}, error: "JMESPath function 'image_normalize': bad image: docker.io/, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: invalid reference format" },
  { expr: "image_normalize('nginx@sha256:128c6e3534b842a2eec139999b8ce8aa9a2af9907e2b9269550809d18cd832a3')", data: {}, want: "docker.io/nginx@sha256:128c6e3534b842a2eec139999b8ce8aa9a2af9907e2b9269550809d18cd832a3" },
  { expr: "image_normalize('nginx:1.2@sha256:128c6e3534b842a2eec139999b8ce8aa9a2af9907e2b9269550809d18cd832a3')", data: {}, want: "docker.io/nginx@sha256:128c6e3534b842a2eec139999b8ce8aa9a2af9907e2b9269550809d18cd832a3" },
  { expr: "image_normalize('localhost:5000/foo')", data: {}, want: "localhost:5000/foo:latest" },
  { expr: "image_normalize('Nginx')", data: {}, error: "JMESPath function 'image_normalize': bad image: docker.io/Nginx, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: repository name must be lowercase" },
  { expr: "image_normalize('my_reg/foo')", data: {}, want: "docker.io/my_reg/foo:latest" },
];

runRows("images", images);
