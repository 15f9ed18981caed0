// Placeholder UI: lists views through the public REST API only.
(async function () {
  const status = document.getElementById('status');
  const table = document.getElementById('views');
  const headers = {};
  const token = sessionStorage.getItem('sideview.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  try {
    const response = await fetch('api/v1/views', { headers });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      status.textContent = 'Could not list views: ' + (problem.detail || response.status);
      return;
    }
    const views = await response.json();
    const body = table.querySelector('tbody');
    for (const v of views) {
      const row = body.insertRow();
      for (const text of [v.name, v.status, String(v.revision), v.captured ? 'captured' : 'API-written']) {
        row.insertCell().textContent = text;
      }
    }
    status.textContent = views.length === 0 ? 'No views yet.' : views.length + ' view(s)';
    table.hidden = views.length === 0;
  } catch (e) {
    status.textContent = 'Could not reach the API: ' + e.message;
  }
})();
