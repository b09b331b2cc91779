// Progressive enhancement for every force page. Everything works without it.
import { initAll } from '/assets/govuk/govuk-frontend.min.js';

document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

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
