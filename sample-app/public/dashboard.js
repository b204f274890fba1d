// The dashboard: asks the module's get_data route for the chosen data and draws it with Chart.js,
// one point per day of the chosen span (a day without a value is a gap), and with subscriptions
// follows the history import (import_status route) with a progress bar.
// The Chart instance is window.fitbitChart; #chart-status carries
// data-state="loading|ready|empty|unsupported|not-granted|importing|problem".
(function () {
  'use strict';

  var form = document.getElementById('chart-controls');
  if (!form) return;
  var status = document.getElementById('chart-status');
  var chartBox = document.getElementById('chart-box');
  var emptyState = document.getElementById('empty-state');
  var emptyText = document.getElementById('empty-text');
  var tableCard = document.getElementById('table-card');
  var tableBody = document.querySelector('#data-table tbody');
  var tableTitle = document.getElementById('table-title');
  var valueHeading = document.getElementById('value-heading');
  var api = form.dataset.api;
  var provider = form.dataset.providerName;
  var today = form.dataset.today;
  var ranges = JSON.parse(form.dataset.ranges);
  var numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  var request = 0;

  // django-fitbit's status codes (meta.status_code) other than 100.
  var PROBLEMS = {
    101: 'You are signed out. Sign in again to see your data.',
    102: 'Connect your Fitbit account to see your data.',
    103: provider + ' no longer accepts this connection. Reconnect your Fitbit account to see your data again.',
    104: 'That choice of data or dates is not valid.',
    105: provider + '’s rate limit was reached. Try again in a while.',
    106: provider + ' had a problem answering. Try again later.'
  };

  // get_data's meta.reason for an answer without days.
  var REASONS = {
    unsupported: form.dataset.unsupportedNote,
    'not-granted': 'You did not allow this app to read “{type}” when you connected. Reconnect and allow it to see it here.',
    importing: 'Your history of “{type}” is still being imported: it shows here as soon as it is stored.',
    'not-linked': 'Connect your Fitbit account to see your data.'
  };

  function count(n, word) {
    return numbers.format(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  function chosenType() {
    var select = form.elements.type;
    var option = select.options[select.selectedIndex];
    return {
      path: select.value,
      label: option.dataset.label,
      unit: option.dataset.unit || '',
      time: option.dataset.kind === 'time',
      unsupported: option.dataset.unsupported === 'true'
    };
  }

  function choice() {
    return {
      type: form.elements.type.value,
      mode: form.elements.mode.value || 'period',
      period: form.elements.period.value,
      from: form.elements.from.value,
      to: form.elements.to.value
    };
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    status.classList.toggle('problem', state === 'problem');
  }

  // Instead of an empty chart: a sentence saying why there is nothing to show.
  function showEmpty(text) {
    emptyText.textContent = text;
    emptyState.hidden = false;
    // The empty state says it; the status line would only repeat it (it keeps data-state for scripts).
    status.hidden = true;
    chartBox.hidden = true;
    tableCard.hidden = true;
  }

  function showData() {
    emptyState.hidden = true;
    status.hidden = false;
    chartBox.hidden = false;
    tableCard.hidden = false;
  }

  var TIME_OF_DAY = /^(\d{1,2}):(\d{2})$/;

  // "9783" → 9783; a time of day ("23:40", sleep's startTime) → hours from noon to noon, so that
  // 23:40 and 00:10 sit next to each other; no value is a gap in the chart.
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

  // A value as a person reads it: 12,345 · 7.42 · 23:40.
  function shown(value) {
    if (value === null || value === '') return '—';
    if (TIME_OF_DAY.test(value)) return value;
    var number = Number(value);
    return Number.isFinite(number) ? numbers.format(number) : value;
  }

  function addDay(date, days) {
    var next = new Date(Date.parse(date + 'T00:00:00Z') + days * 86400000);
    return next.toISOString().slice(0, 10);
  }

  // The chosen span, in the user's zone: a period ends today (as the server counted it); "All"
  // starts at the first stored day; days outside the span that came back anyway are kept.
  function span(current, objects) {
    var range = current.mode === 'range' ? { from: current.from, to: current.to } : ranges[current.period] || { from: objects.length ? objects[0].dateTime : today, to: today };
    var from = range.from;
    var to = range.to;
    if (objects.length && objects[0].dateTime < from) from = objects[0].dateTime;
    if (objects.length && objects[objects.length - 1].dateTime > to) to = objects[objects.length - 1].dateTime;
    return { from: from, to: to };
  }

  // Every day of the span, with its value or null: a missing day stays on the axis as a gap.
  function everyDay(objects, range) {
    var values = {};
    objects.forEach(function (object) { values[object.dateTime] = object.value; });
    var days = [];
    for (var date = range.from; date <= range.to && days.length < 4000; date = addDay(date, 1)) {
      days.push({ dateTime: date, value: Object.prototype.hasOwnProperty.call(values, date) ? values[date] : null });
    }
    return days;
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

  function draw(days, type) {
    var labels = days.map(function (day) { return day.dateTime; });
    var values = days.map(function (day) { return toNumber(day.value); });
    var kind = days.length <= 31 ? 'bar' : 'line';
    if (window.fitbitChart && window.fitbitChart.config.type !== kind) {
      window.fitbitChart.destroy();
      window.fitbitChart = null;
    }
    if (!window.fitbitChart) {
      window.fitbitChart = new Chart(document.getElementById('chart'), {
        type: kind,
        data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: 'rgba(0, 131, 143, 0.55)', borderColor: '#00838f', pointRadius: 0, fill: true, spanGaps: false }] },
        options: {
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false }, tooltip: { callbacks: {} } },
          scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true, ticks: {}, title: { display: true } } }
        }
      });
    }
    var chart = window.fitbitChart;
    // Counts start at zero; weight, body fat and times of day would be flat lines if they did.
    chart.options.scales.y.beginAtZero = !type.time && type.path.indexOf('body/') !== 0;
    chart.options.scales.y.ticks.callback = type.time ? timeLabel : function (value) { return numbers.format(value); };
    chart.options.scales.y.title.text = type.unit;
    chart.options.plugins.tooltip.callbacks.label = function (item) {
      return type.time ? timeLabel(item.parsed.y) : numbers.format(item.parsed.y) + (type.unit ? ' ' + type.unit : '');
    };
    chart.data.labels = labels;
    chart.data.datasets[0].label = type.label;
    chart.data.datasets[0].data = values;
    chart.update();
  }

  function fillTable(days, type) {
    var withValue = days.filter(function (day) { return day.value !== null; }).length;
    tableTitle.textContent = type.label + ' (' + count(days.length, 'day') + (withValue === days.length ? '' : ', ' + numbers.format(withValue) + ' with a value') + ')';
    // "Distance (km)", but "Steps", not "Steps (steps)".
    var unit = type.unit && type.unit !== type.label.toLowerCase() ? type.unit : '';
    valueHeading.textContent = unit ? type.label + ' (' + unit + ')' : type.label;
    tableBody.replaceChildren.apply(tableBody, days.map(function (day) {
      var row = document.createElement('tr');
      var date = document.createElement('td');
      var value = document.createElement('td');
      date.textContent = day.dateTime;
      value.textContent = shown(day.value);
      // The value as the module sent it, for scripts (and the tests) that read the table.
      if (day.value !== null) value.dataset.value = day.value;
      value.className = 'value';
      row.append(date, value);
      return row;
    }));
  }

  // The provider forgot the connection (103): the link is gone, so offer to connect again.
  function offerReconnect() {
    var disconnect = document.getElementById('disconnect-form');
    var reconnect = document.getElementById('reconnect-form');
    if (disconnect) disconnect.hidden = true;
    if (reconnect) reconnect.hidden = false;
    var line = document.querySelector('#connection .connected-as');
    if (line) line.textContent = provider + ' no longer accepts this connection.';
  }

  function load() {
    var current = choice();
    if (current.mode === 'range' && (!current.from || !current.to)) {
      setStatus('problem', 'Choose both dates of the range.');
      return;
    }
    if (current.mode === 'range' && current.from > current.to) {
      setStatus('problem', 'The range starts after it ends: choose an earlier first date.');
      return;
    }
    showAddress(current);
    var type = chosenType();
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
          draw([], type);
          fillTable([], type);
          if (code === 103) offerReconnect();
          showEmpty(PROBLEMS[code] || 'Unexpected answer (' + code + ').');
          setStatus('problem', PROBLEMS[code] || 'Unexpected answer (' + code + ').');
          return;
        }
        var reason = body.meta.reason || (body.objects.length === 0 && type.unsupported ? 'unsupported' : null);
        if (body.objects.length === 0) {
          draw([], type);
          fillTable([], type);
          var text = reason
            ? REASONS[reason].replace('{type}', type.label)
            : document.body.dataset.subscribe === 'true'
              ? 'No data for this choice. If you connected only a moment ago, your history may still be on its way.'
              : 'No data for this choice: ' + provider + ' has no values for these days.';
          showEmpty(text);
          setStatus(reason || 'empty', text);
          return;
        }
        var range = span(current, body.objects);
        if (current.mode === 'period') {
          form.elements.from.value = range.from;
          form.elements.to.value = range.to;
        }
        var days = everyDay(body.objects, range);
        showData();
        draw(days, type);
        fillTable(days, type);
        var withValue = body.objects.filter(function (object) { return object.value !== null; }).length;
        var extent = days.length === 1 ? days[0].dateTime : days[0].dateTime + ' to ' + days[days.length - 1].dateTime;
        setStatus('ready', count(days.length, 'day') + ', ' + extent + (withValue === days.length ? '' : ' · ' + numbers.format(withValue) + ' with a value'));
      })
      .catch(function (error) {
        if (mine === request) setStatus('problem', 'Could not load the data: ' + error.message);
      });
  }

  // The date inputs show the chosen period's days, in the user's zone.
  function followPeriod() {
    var range = ranges[form.elements.period.value];
    if (range) {
      form.elements.from.value = range.from;
      form.elements.to.value = range.to;
    } else {
      form.elements.to.value = today;
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    load();
  });
  form.addEventListener('change', function (event) {
    var target = event.target;
    if (target.name === 'period') {
      form.elements.mode.value = 'period';
      followPeriod();
    }
    if (target.name === 'from' || target.name === 'to') form.elements.mode.value = 'range';
    load();
  });

  // With subscriptions: the history import's progress, until it is done; the chart follows it.
  var importStatus = form.dataset.importStatus;
  var progress = document.getElementById('import-progress');
  function followImport(finishedBefore) {
    if (!importStatus || !progress) return;
    fetch(importStatus, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        var meta = body.meta;
        if (meta.status_code !== 100 || meta.state === 'none') {
          progress.hidden = true;
          return;
        }
        var finished = meta.done + meta.failed;
        var bar = document.getElementById('import-bar');
        var text = document.getElementById('import-text');
        bar.max = Math.max(meta.total_count, 1);
        bar.value = finished;
        progress.dataset.state = meta.state;
        if (meta.state === 'running') {
          progress.hidden = false;
          text.textContent = 'Importing your history: ' + finished + ' of ' + count(meta.total_count, 'data type') + ' done, ' + count(meta.rows_stored, 'day') + ' stored so far.';
          // Each finished type may be the one on the chart.
          if (finishedBefore !== null && finished > finishedBefore) load();
          setTimeout(function () { followImport(finished); }, 1000);
          return;
        }
        if (finishedBefore === null) {
          // Done before this page opened: nothing to follow.
          progress.hidden = true;
          return;
        }
        progress.hidden = false;
        text.textContent = 'History imported: ' + count(meta.rows_stored, 'day') + ' of ' + count(meta.total_count - meta.failed, 'data type') +
          (meta.failed ? '; ' + count(meta.failed, 'data type') + ' could not be imported (' + (meta.last_error ? meta.last_error.message : 'see the log') + ').' : '.');
        load();
      })
      .catch(function () {
        setTimeout(function () { followImport(finishedBefore); }, 3000);
      });
  }

  load();
  followImport(null);
})();
