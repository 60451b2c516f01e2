// The interactive API console: Swagger UI over the runtime's own OpenAPI document. "Try it out" calls carry the
// access token of the operator signed in to the dashboard in this tab (kept in sessionStorage), unless the reader
// authorized with a key of their own through the Authorize button. No inline script: the page's CSP forbids it.
'use strict';
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  defaultModelsExpandDepth: 0,
  requestInterceptor: (request) => {
    const token = sessionStorage.getItem('hb.access');
    request.headers = request.headers || {};
    if (token && !request.headers.Authorization && !request.headers['X-API-Key']) {
      request.headers.Authorization = 'Bearer ' + token;
    }
    return request;
  },
});
