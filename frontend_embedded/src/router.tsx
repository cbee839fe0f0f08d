/**
 * A tiny client-side router. The server serves the same document for every app path, and
 * the query string (shop, host, id_token, locale) is kept when moving between pages.
 * App Bridge's NavMenu updates the iframe's history; we follow `popstate` like any router.
 */
import {
  createContext,
  useContext,
  useEffect,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from "react";

const NAVIGATE_EVENT = "xsight:navigate";

/** Return `to` with the current page's query string, unless `to` has its own. */
export function withQuery(to: string, search: string = window.location.search): string {
  if (to.includes("?") || !search) return to;
  const [path, hash] = to.split("#");
  return `${path}${search}${hash !== undefined ? `#${hash}` : ""}`;
}

/** Go to an app path without reloading the document. */
export function navigate(to: string, { replace = false } = {}): void {
  const url = withQuery(to);
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo?.(0, 0);
}

/** Return the current path name, updated on navigation and on back/forward. */
export function usePathname(): string {
  const [pathname, setPathname] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPathname(window.location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATE_EVENT, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATE_EVENT, update);
    };
  }, []);
  return pathname;
}

function isInternal(url: string): boolean {
  return url.startsWith("/") && !url.startsWith("//");
}

interface LinkProps extends AnchorHTMLAttributes<HTMLAnchorElement> {
  url: string;
  external?: boolean;
  children?: ReactNode;
}

/** A link for Polaris' AppProvider: app paths navigate in place and keep the query string. */
export function AppLink({ url, external, children, onClick, ...rest }: LinkProps) {
  if (external || !isInternal(url)) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer" onClick={onClick} {...rest}>
        {children}
      </a>
    );
  }
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(url);
  };
  return (
    <a href={withQuery(url)} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}

export type RouteParams = Record<string, string>;

/**
 * Match `pathname` against a pattern like "/customers/:id"; return its parameters (decoded) or
 * null. A trailing slash is ignored; a parameter matches one non-empty path segment.
 */
export function matchPath(pattern: string, pathname: string): RouteParams | null {
  const clean = (p: string) => (p.length > 1 ? p.replace(/\/+$/, "") : p);
  const want = clean(pattern).split("/");
  const got = clean(pathname).split("/");
  if (want.length !== got.length) return null;
  const params: RouteParams = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      if (!got[i]) return null;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

export const RouteParamsContext = createContext<RouteParams>({});

/** Return the current route's parameters, e.g. `{ id: "42" }` on /customers/42. */
export function useRouteParams(): RouteParams {
  return useContext(RouteParamsContext);
}
