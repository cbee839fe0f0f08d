/** Show an App Bridge toast (the Admin's, or the demo stand-in's). */
export function toast(message: string, isError = false): void {
  window.shopify?.toast?.show(message, { isError });
}
