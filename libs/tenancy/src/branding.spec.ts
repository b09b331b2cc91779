import { brandingVersion, contrastRatio } from './branding.js';
import { svgLogoProblem } from './svg-logo.js';

describe('contrastRatio', () => {
  it('matches the WCAG definition at its extremes and for a known pair', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#1d70b8', '#ffffff')).toBeCloseTo(5.17, 1);
  });
});

describe('brandingVersion', () => {
  it('changes when any branding value changes and not otherwise', () => {
    const branding = { brandColour: '#123456', secondaryColour: '#ffcc00' };
    expect(brandingVersion(branding)).toBe(brandingVersion({ ...branding }));
    expect(brandingVersion(branding)).not.toBe(brandingVersion({ ...branding, brandColour: '#123457' }));
  });
});

describe('svgLogoProblem', () => {
  it('accepts a plain drawing', () => {
    expect(svgLogoProblem('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>')).toBeUndefined();
  });
  it.each([
    ['<svg><script>alert(1)</script></svg>', /script/],
    ['<svg onload="alert(1)"></svg>', /event handler/],
    ['<svg><image href="https://tracker.example/x.png"/></svg>', /external/],
    ['<html><body/></html>', /not an SVG/],
  ])('refuses %s', (svg, problem) => {
    expect(svgLogoProblem(svg)).toMatch(problem);
  });
});
