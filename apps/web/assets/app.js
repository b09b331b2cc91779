// Progressive enhancement for every force page. Everything works without it.
import { Button, CharacterCount, Checkboxes, createAll, ErrorSummary, ExitThisPage, FileUpload, SkipLink } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
for (const Component of [Button, CharacterCount, Checkboxes, ErrorSummary, ExitThisPage, FileUpload, SkipLink]) createAll(Component);

// Radios with a conditionally revealed question (when it happened, where it happened). govuk-frontend's
// own Radios module marks each radio aria-expanded, which is not an allowed attribute on a radio
// (WCAG 4.1.2; axe reports it as critical), so the reveal is done here with aria-controls alone.
for (const group of document.querySelectorAll('[data-module="govuk-radios"]')) {
  const inputs = [...group.querySelectorAll('input[type="radio"]')];
  const sync = () => {
    for (const input of inputs) {
      const target = input.dataset.ariaControls && document.getElementById(input.dataset.ariaControls);
      if (!target) continue;
      input.setAttribute('aria-controls', target.id);
      target.classList.toggle('govuk-radios__conditional--hidden', !input.checked);
    }
  };
  sync();
  for (const input of inputs) input.addEventListener('change', sync);
}

// Quick exit: the Escape key leaves at once, as the Quick exit button does (govuk-frontend's
// exit-this-page also answers three presses of Shift). The page is replaced, so Back does not return.
const quickExit = document.querySelector('.govuk-js-exit-this-page-button');
if (quickExit) {
  const leave = (event) => {
    event.preventDefault();
    event.stopImmediatePropagation();
    document.body.hidden = true;
    window.location.replace(quickExit.getAttribute('href'));
  };
  quickExit.addEventListener('click', leave, { capture: true });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' || event.key === 'Esc') leave(event);
  });
}

// "Use my current location" on a where-did-it-happen question: the device's position goes in the
// hidden latitude and longitude fields. Offered only where the browser can give a position.
for (const point of document.querySelectorAll('[data-module="app-location-point"]')) {
  const offer = point.querySelector('[data-location-offer]');
  const status = point.querySelector('[data-location-status]');
  const button = point.querySelector('[data-use-location]');
  if (!('geolocation' in navigator) || !offer || !button) continue;
  offer.hidden = false;
  button.addEventListener('click', () => {
    button.disabled = true;
    status.textContent = document.documentElement.lang === 'cy' ? 'Yn chwilio am eich lleoliad…' : 'Finding your location…';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const latitude = position.coords.latitude.toFixed(5);
        const longitude = position.coords.longitude.toFixed(5);
        point.querySelector('[data-latitude]').value = latitude;
        point.querySelector('[data-longitude]').value = longitude;
        status.textContent = (document.documentElement.lang === 'cy' ? 'Safle ar y map wedi’i roi: ' : 'Map position given: ') + `${latitude}, ${longitude}`;
        button.disabled = false;
      },
      () => {
        status.textContent = document.documentElement.lang === 'cy' ? 'Ni allem gael eich lleoliad. Rhowch y cyfeiriad neu disgrifiwch y lle.' : 'We could not get your location. Give the address or describe the place instead.';
        button.disabled = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

// Uploads: a form carrying files is sent with XMLHttpRequest so that the reporter sees how much has
// gone (a long video takes minutes), then the page the site names is opened: the next page, or this
// page again with its errors. Without JavaScript the form posts as it is.
for (const form of document.querySelectorAll('form[enctype="multipart/form-data"][data-uploading]')) {
  form.addEventListener('submit', (event) => {
    const files = [...form.querySelectorAll('input[type="file"]')].flatMap((input) => [...input.files]);
    if (files.length === 0 || !window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    const buttons = [...form.querySelectorAll('button[type="submit"], button:not([type])')];
    for (const button of buttons) button.disabled = true;
    const status = document.createElement('div');
    status.className = 'fc-upload-progress govuk-!-margin-bottom-4';
    const bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    const text = document.createElement('p');
    text.className = 'govuk-body govuk-!-margin-bottom-1';
    text.setAttribute('role', 'status');
    text.textContent = form.dataset.uploading.replace('{percent}', '0');
    status.append(text, bar);
    (buttons[0] ?? form.lastElementChild).before(status);
    let announced = 0;
    const request = new XMLHttpRequest();
    request.open('POST', form.action);
    request.setRequestHeader('X-FC-Upload', '1');
    request.upload.addEventListener('progress', (progress) => {
      if (!progress.lengthComputable) return;
      const percent = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = percent;
      // Screen readers hear every tenth step, not every change.
      if (percent - announced >= 10 || percent === 100) {
        announced = percent;
        text.textContent = form.dataset.uploading.replace('{percent}', String(percent));
      }
    });
    request.addEventListener('load', () => {
      // The site answers this script with where to go next (the next page, or this page with its
      // errors); anything else (a session that ended, an error page) is opened as it came.
      let location;
      try {
        location = JSON.parse(request.responseText).location;
      } catch {
        location = undefined;
      }
      window.location.assign(typeof location === 'string' && location.startsWith('/') && !location.startsWith('//') ? location : request.responseURL || form.action);
    });
    request.addEventListener('error', () => {
      text.textContent = form.dataset.uploadFailed;
      for (const button of buttons) button.disabled = false;
    });
    request.send(new FormData(form));
  });
}
