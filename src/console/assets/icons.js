// Small outline icons drawn as SVG (no icon font or emoji font needed), and the Rewind logo.

const SVG = 'http://www.w3.org/2000/svg';

const PATHS = {
  eye: ['M2 12s3.5-6 10-6 10 6 10 6-3.5 6-10 6S2 12 2 12z', 'M12 9.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z'],
  people: ['M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6z', 'M3 19c0-3 2.7-5 6-5s6 2 6 5', 'M16 5.3a3 3 0 0 1 0 5.4', 'M18 14.2c1.8.6 3 2.3 3 4.8'],
  warning: ['M12 3 2 20h20z', 'M12 10v4', 'M12 17v.01'],
};

/** An outline icon (`eye`, `people`, `warning`) in the current text colour. */
export function icon(name, size = 16) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.8');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', `icon icon-${name}`);
  for (const d of PATHS[name] ?? []) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/** The Rewind mark: two left-pointing triangles, white on the avatar's background. */
export function rewindLogo(size) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M11.5 6v12L3 12zM21 6v12l-8.5-6z');
  path.setAttribute('fill', '#fff');
  svg.append(path);
  return svg;
}
