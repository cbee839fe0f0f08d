/** A small, self-contained illustration for empty states (no request to a CDN). */
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="226" height="150" viewBox="0 0 226 150">
<rect x="13" y="10" width="200" height="130" rx="14" fill="#f1f1f1"/>
<rect x="43" y="88" width="22" height="32" rx="4" fill="#c9c9c9"/>
<rect x="77" y="66" width="22" height="54" rx="4" fill="#b5b5b5"/>
<rect x="111" y="76" width="22" height="44" rx="4" fill="#c9c9c9"/>
<rect x="145" y="46" width="22" height="74" rx="4" fill="#8a8a8a"/>
<path d="M43 60 L88 44 L122 52 L167 28" fill="none" stroke="#303030" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/>
<circle cx="167" cy="28" r="6" fill="#303030"/>
</svg>`;

export const EMPTY_STATE_IMAGE = `data:image/svg+xml,${encodeURIComponent(SVG)}`;
