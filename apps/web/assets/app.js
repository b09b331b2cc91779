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
