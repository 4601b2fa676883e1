/** The four services, as the console and `ops saga` reach them: over their public HTTP APIs. */
export const ServiceNames = ['billing', 'eligibility', 'licensing', 'notifications'] as const;
export type ServiceName = (typeof ServiceNames)[number];

export type ServiceUrls = Record<ServiceName, string>;

/** An answer other than 2xx: the services' one error shape `{statusCode, code, message}`. */
export class ServiceApiError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceApiError';
  }
}

const TIMEOUT_MS = 5000;

/**
 * Calls the services with one caller's bearer token (the signed-in person's in the console, the
 * operator's in the CLI): each service decides by its role what it may read or do.
 */
export class ServiceApi {
  constructor(
    private readonly urls: ServiceUrls,
    private readonly token: string,
  ) {}

  get<T>(service: ServiceName, path: string): Promise<T> {
    return this.call<T>(service, 'GET', path);
  }

  post<T>(service: ServiceName, path: string, body: unknown): Promise<T> {
    return this.call<T>(service, 'POST', path, body);
  }

  private async call<T>(
    service: ServiceName,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.urls[service]), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceApiError(
        service,
        0,
        'UNREACHABLE',
        `${service} is unreachable at ${this.urls[service]} (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: unknown; message?: unknown };
      throw new ServiceApiError(
        service,
        response.status,
        typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
        typeof problem.message === 'string'
          ? problem.message
          : `${service} answered ${response.status}`,
      );
    }
    return parsed as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
