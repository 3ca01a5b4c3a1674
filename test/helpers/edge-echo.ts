/**
 * The echo app gateway tests route to: namespace edge (injected), Service echo:8000 and a pod
 * answering every GET with JSON {"service": "echo", "headers": {...}} (header names lower-cased).
 */
export const EDGE_ECHO = `
apiVersion: v1
kind: Namespace
metadata: {name: edge, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: edge}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 8000, targetPort: 8000}]
---
apiVersion: v1
kind: Pod
metadata: {name: echo, namespace: edge, labels: {app: echo}}
spec:
  containers:
  - name: echo
    image: python:3.11-slim
    command: ["python3", "-c"]
    args:
    - |
      import http.server, json
      class H(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              body = json.dumps({"service": "echo", "headers": {k.lower(): v for k, v in self.headers.items()}}).encode() + b"\\n"
              self.send_response(200); self.send_header("content-type", "application/json")
              self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
      http.server.ThreadingHTTPServer(("0.0.0.0", 8000), H).serve_forever()
    ports: [{containerPort: 8000}]
`;
