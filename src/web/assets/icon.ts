/** The tab icon (a stylised one-stop desk), so browsers do not ask for a missing /favicon.ico. */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b4f8a"/><path d="M7 22h18v3H7zM9 11h14v9H9z" fill="#fff"/><circle cx="16" cy="8" r="3" fill="#f0b400"/></svg>`;
