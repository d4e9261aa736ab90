import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fallbackRoute, routes } from '#api/routes.ts';
import { BridgeFunction, grantTableAccess } from './bridge-function.ts';
import { embeddedConsoleArgs } from './console-files.ts';
import { embeddedOpenApiArgs } from './openapi-document.ts';

export interface BridgeApiProps {
  table: ITable;
  environment: Record<string, string>;
  /**
   * Origins of agent web apps served elsewhere that call the Agent API from a browser: the only origins
   * CORS allows, and no CORS at all without them. The built-in console is served on the API's own
   * origin and needs none.
   */
  agentAppOrigins?: readonly string[];
  /** Each route's own limit: HTTP APIs have no limit across routes (only the account's regional quota). */
  throttle: { rateLimit: number; burstLimit: number };
  /** The Operator API routes' own limit, sized for DialogStudio, instead of `throttle`. */
  operatorThrottle: { rateLimit: number; burstLimit: number };
}

/**
 * The HTTP API: one function per entry of the route table (the Operator API under `/operator/{token}`,
 * the Agent API under `/agent`), and the fallback function on `$default` for 404 and 405.
 */
export class BridgeApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Every function behind the API, by route name. */
  readonly functions = new Map<string, BridgeFunction>();

  constructor(scope: Construct, id: string, props: BridgeApiProps) {
    super(scope, id);
    const notFound = new BridgeFunction(this, fallbackRoute.name, {
      entry: fallbackRoute.entry,
      description: 'Answers requests that match no route: 404, or 405 with Allow',
      environment: props.environment,
    });
    this.functions.set(fallbackRoute.name, notFound);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Operator Bridge: the Operator API for DialogStudio and the Agent API',
      defaultIntegration: new HttpLambdaIntegration('NotFoundIntegration', notFound),
      corsPreflight: props.agentAppOrigins?.length ? agentAppPreflight(props.agentAppOrigins) : undefined,
      // Created below, with throttling and access logs.
      createDefaultStage: false,
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "DialogStudio sends no credential: the channel token in the Operator API's path is it; Agent API functions check the bearer token.",
    });

    const operatorRoutes: HttpRoute[] = [];
    for (const route of routes) {
      const fn = new BridgeFunction(this, route.name, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        environment: props.environment,
        esbuildArgs: {
          ...(route.embedsConsole && embeddedConsoleArgs(this)),
          ...(route.embedsOpenApi && embeddedOpenApiArgs(this)),
        },
      });
      grantTableAccess(props.table, fn, route.table);
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn),
      });
      if (route.path.startsWith('/operator/')) operatorRoutes.push(...added);
      this.functions.set(route.name, fn);
    }
    if (props.agentAppOrigins?.length) this.addPreflightRoute(props.environment);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // The route template, never the path: the Operator API's path carries the channel token.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.throttleOperatorRoutes(operatorRoutes, props.operatorThrottle);
  }

  /**
   * DialogStudio's routes get a budget of their own (route settings on the stage, which the L2 stage
   * does not expose); the stage's default applies to every other route.
   */
  private throttleOperatorRoutes(
    operatorRoutes: HttpRoute[],
    limit: { rateLimit: number; burstLimit: number },
  ) {
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      routes
        .filter((route) => route.path.startsWith('/operator/'))
        .map((route) => [
          `${route.method} ${route.path}`,
          // A JSON map that CDK passes through as is: CloudFormation's own property names.
          { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit },
        ]),
    );
    // Route settings name routes by key: they must exist before the stage does.
    for (const route of operatorRoutes) this.stage.node.addDependency(route);
  }

  /**
   * On an HTTP API the `$default` route also catches `OPTIONS`, so without a route of their own
   * preflights would reach the fallback function (405) instead of API Gateway's CORS answer. Only the
   * Agent API gets one: DialogStudio calls the Operator API from its servers, never from a browser.
   */
  private addPreflightRoute(environment: Record<string, string>): void {
    const fn = new BridgeFunction(this, corsPreflightRoute.name, {
      entry: corsPreflightRoute.entry,
      description: `Answers CORS preflights: OPTIONS ${corsPreflightRoute.path}`,
      environment,
    });
    this.httpApi.addRoutes({
      path: corsPreflightRoute.path,
      methods: [HttpMethod.OPTIONS],
      integration: new HttpLambdaIntegration(`${corsPreflightRoute.name}Integration`, fn),
    });
    this.functions.set(corsPreflightRoute.name, fn);
  }

  /** The functions that read `LIVE_URL`: the ticket function, and those that serve the console's page. */
  get liveUrlReaders(): BridgeFunction[] {
    return routes
      .filter((route) => route.embedsConsole || route.name === liveTicketRoute)
      .map((route) => this.functions.get(route.name))
      .filter((fn): fn is BridgeFunction => fn !== undefined);
  }

  /** The API's base URL, without a trailing slash: the command-line tool appends `/operator/{token}`. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** The agent console, served by the same API (same origin as the Agent API, so no CORS). */
  get consoleUrl(): string {
    return `${this.httpApi.apiEndpoint}/console/`;
  }
}

/** The route whose tickets name the live-updates WebSocket. */
const liveTicketRoute = 'CreateLiveTicket';

/** The route that lets browser preflights of the Agent API reach API Gateway's CORS answer. */
export const corsPreflightRoute = {
  name: 'CorsPreflight',
  path: '/agent/{proxy+}',
  entry: 'functions/cors-preflight.ts',
} as const;

function agentAppPreflight(origins: readonly string[]): CorsPreflightOptions {
  return {
    allowOrigins: [...origins],
    allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT],
    allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
    maxAge: Duration.hours(1),
  };
}
