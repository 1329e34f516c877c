// Every page is built ahead of time and saved as <path>/index.html; nothing runs on a server afterwards.
export const prerender = true;
export const trailingSlash = 'always';
