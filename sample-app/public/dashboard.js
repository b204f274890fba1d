// The dashboard: asks the module's get_data route for the chosen data and draws it with Chart.js.
// The Chart instance is window.fitbitChart; #chart-status carries data-state="loading|ready|empty|unsupported|problem".
(function () {
  'use strict';

  var form = document.getElementById('chart-controls');
  var status = document.getElementById('chart-status');
  var tableBody = document.querySelector('#data-table tbody');
  var tableTitle = document.getElementById('table-title');
  var api = form.dataset.api;
  var request = 0;

  // django-fitbit's status codes (meta.status_code) other than 100.
  var PROBLEMS = {
    101: 'You are signed out. Sign in again to see your data.',
    102: 'Connect your Fitbit account to see your data.',
    103: 'Fitbit no longer accepts this connection. Connect your Fitbit account again.',
    104: 'That choice of data or dates is not valid.',
    105: 'Fitbit’s rate limit was reached. Try again in a while.',
    106: 'Fitbit had a problem answering. Try again later.'
  };

  function choice() {
    var data = new FormData(form);
    return {
      type: data.get('type'),
      mode: data.get('mode') || 'period',
      period: data.get('period'),
      from: data.get('from'),
      to: data.get('to')
    };
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    status.classList.toggle('problem', state === 'problem');
  }

  var TIME_OF_DAY = /^(\d{1,2}):(\d{2})$/;

  // "9783" → 9783; a time of day ("23:40", sleep's startTime) → hours from noon to noon, so that
  // 23:40 and 00:10 sit next to each other; anything else is a gap in the chart.
  function toNumber(value) {
    if (value === null || value === '') return null;
    var time = TIME_OF_DAY.exec(value);
    if (time) {
      var hours = Number(time[1]) + Number(time[2]) / 60;
      return hours < 12 ? hours + 24 : hours;
    }
    var number = Number(value);
    return Number.isFinite(number) ? number : null;
  }

  function timeLabel(hours) {
    var minutes = Math.round((hours % 24) * 60);
    return String(Math.floor(minutes / 60)).padStart(2, '0') + ':' + String(minutes % 60).padStart(2, '0');
  }

  function label() {
    var select = form.elements.type;
    return select.options[select.selectedIndex].text;
  }

  // Types the provider has no equivalent for (Google Health: active score, awakenings count):
  // the module answers with no rows, and the page says why instead of "no data".
  function unsupported() {
    var select = form.elements.type;
    return select.options[select.selectedIndex].dataset.unsupported === 'true';
  }

  function showAddress(current) {
    var params = new URLSearchParams({ type: current.type });
    if (current.mode === 'range') {
      params.set('from', current.from);
      params.set('to', current.to);
    } else {
      params.set('period', current.period);
    }
    history.replaceState(null, '', '?' + params.toString());
  }

  function dataUrl(current) {
    var params = current.mode === 'range'
      ? new URLSearchParams({ base_date: current.from, end_date: current.to })
      : new URLSearchParams({ period: current.period });
    return api + current.type + '/?' + params.toString();
  }

  function draw(objects) {
    var labels = objects.map(function (object) { return object.dateTime; });
    var values = objects.map(function (object) { return toNumber(object.value); });
    var type = objects.length <= 31 ? 'bar' : 'line';
    if (window.fitbitChart && window.fitbitChart.config.type !== type) {
      window.fitbitChart.destroy();
      window.fitbitChart = null;
    }
    if (!window.fitbitChart) {
      window.fitbitChart = new Chart(document.getElementById('chart'), {
        type: type,
        data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: 'rgba(0, 131, 143, 0.55)', borderColor: '#00838f', pointRadius: 0, fill: true, spanGaps: false }] },
        options: {
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { ticks: { maxTicksLimit: 12 } }, y: { beginAtZero: true, ticks: {} } }
        }
      });
    }
    var chart = window.fitbitChart;
    var times = objects.some(function (object) { return TIME_OF_DAY.test(object.value || ''); });
    // Counts start at zero; weight, body fat and times of day would be flat lines if they did.
    chart.options.scales.y.beginAtZero = !times && choice().type.indexOf('body/') !== 0;
    chart.options.scales.y.ticks.callback = times ? timeLabel : function (value) { return this.getLabelForValue(value); };
    chart.data.labels = labels;
    chart.data.datasets[0].label = label();
    chart.data.datasets[0].data = values;
    chart.update();
  }

  function fillTable(objects) {
    tableTitle.textContent = label() + ' (' + objects.length + (objects.length === 1 ? ' day)' : ' days)');
    tableBody.replaceChildren.apply(tableBody, objects.map(function (object) {
      var row = document.createElement('tr');
      var date = document.createElement('td');
      var value = document.createElement('td');
      date.textContent = object.dateTime;
      value.textContent = object.value === null ? '—' : object.value;
      value.className = 'value';
      row.append(date, value);
      return row;
    }));
  }

  function load() {
    var current = choice();
    if (current.mode === 'range' && (!current.from || !current.to)) {
      setStatus('problem', 'Choose both dates of the range.');
      return;
    }
    showAddress(current);
    var mine = ++request;
    setStatus('loading', 'Loading…');
    fetch(dataUrl(current), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (body) {
        if (mine !== request) return;
        var code = body.meta.status_code;
        if (code !== 100) {
          draw([]);
          fillTable([]);
          setStatus('problem', PROBLEMS[code] || 'Unexpected answer (' + code + ').');
          return;
        }
        draw(body.objects);
        fillTable(body.objects);
        if (body.objects.length === 0 && unsupported()) {
          setStatus('unsupported', form.dataset.unsupportedNote.replace('{type}', label()));
        } else if (body.objects.length === 0) {
          setStatus('empty', document.body.dataset.subscribe === 'true'
            ? 'No data yet for this choice. Your history may still be importing: reload in a moment.'
            : 'No data for this choice.');
        } else {
          setStatus('ready', body.objects.length + ' days, ' + body.objects[0].dateTime + ' to ' + body.objects[body.objects.length - 1].dateTime);
        }
      })
      .catch(function (error) {
        if (mine === request) setStatus('problem', 'Could not load the data: ' + error.message);
      });
  }

  function defaultRange() {
    if (form.elements.from.value && form.elements.to.value) return;
    var local = function (date) {
      return date.getFullYear() + '-' + String(date.getMonth() + 1).padStart(2, '0') + '-' + String(date.getDate()).padStart(2, '0');
    };
    var today = new Date();
    form.elements.to.value = local(today);
    form.elements.from.value = local(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29));
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    load();
  });
  form.addEventListener('change', function (event) {
    var target = event.target;
    if (target.name === 'period') form.elements.mode.value = 'period';
    if (target.name === 'from' || target.name === 'to') form.elements.mode.value = 'range';
    load();
  });

  defaultRange();
  load();
})();
