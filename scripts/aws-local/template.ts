import { createHash } from 'node:crypto';

/**
 * A synthesized CloudFormation template, read as the deployment sees it: resources by logical id, and
 * the intrinsic functions CDK emits (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`) resolved to the local deployment's values.
 */
export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface Template {
  Resources: Record<string, Resource>;
}

/** The account and region the local deployment pretends to be (moto's default account). */
export const account = '123456789012';
export const region = 'us-east-1';
export const urlSuffix = 'amazonaws.com';

/** What the local deployment knows about a resource once it exists. */
export interface Physical {
  ref: string;
  attributes: Record<string, string>;
}

export class Resolver {
  constructor(
    readonly template: Template,
    readonly stackName: string,
    private readonly physical: Map<string, Physical>,
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref') return this.ref(String(argument));
    if (entries.length === 1 && key === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
      return this.getAtt(String(id), String(attribute));
    }
    if (entries.length === 1 && key === 'Fn::Join') {
      const [separator, list] = argument as [string, unknown[]];
      return (this.resolve(list) as unknown[]).join(separator);
    }
    if (entries.length === 1 && key === 'Fn::Select') {
      const [index, list] = argument as [number, unknown];
      return (this.resolve(list) as unknown[])[Number(index)];
    }
    if (entries.length === 1 && key === 'Fn::Split') {
      const [separator, text] = argument as [string, unknown];
      return String(this.resolve(text)).split(separator);
    }
    if (entries.length === 1 && key === 'Fn::Sub') {
      const [text, variables = {}] = Array.isArray(argument) ? argument : [argument];
      return String(text).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        if (name in variables) return String(this.resolve(variables[name]));
        const [id, attribute] = name.split('.');
        return String(attribute ? this.getAtt(String(id), attribute) : this.ref(String(id)));
      });
    }
    if (key?.startsWith('Fn::') && entries.length === 1) throw new Error(`${key} is not supported here`);
    return Object.fromEntries(entries.map(([name, item]) => [name, this.resolve(item)]));
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a string: ${JSON.stringify(value)}`);
    return resolved;
  }

  ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::URLSuffix': urlSuffix,
      'AWS::StackName': this.stackName,
      'AWS::NoValue': '',
    };
    if (id in pseudo) return pseudo[id] as string;
    const known = this.physical.get(id);
    if (known) return known.ref;
    const resource = this.resource(id);
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
      case 'AWS::IAM::Role':
      case 'AWS::Logs::LogGroup':
      case 'AWS::DynamoDB::Table':
        return physicalName(this.stackName, id);
      case 'AWS::ApiGatewayV2::Api':
        return apiId(id);
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${physicalName(this.stackName, id)}`;
      default:
        return id;
    }
  }

  getAtt(id: string, attribute: string): string {
    const known = this.physical.get(id)?.attributes[attribute];
    if (known) return known;
    const resource = this.resource(id);
    const name = this.ref(id);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${name}`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${name}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::DynamoDB::Table.Arn':
        return tableArn(name);
      case 'AWS::SNS::Topic.TopicArn':
        return name;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return `${resource.Properties?.ProtocolType === 'WEBSOCKET' ? 'wss' : 'https'}://${name}.execute-api.${region}.${urlSuffix}`;
      default:
        throw new Error(`Fn::GetAtt ${id}.${attribute} (${resource.Type}) is not known here`);
    }
  }

  resource(id: string): Resource {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`The template has no resource ${id}`);
    return resource;
  }

  /** Logical ids of the resources of a type. */
  ofType(type: string): [string, Resource][] {
    return Object.entries(this.template.Resources).filter(([, resource]) => resource.Type === type);
  }
}

export function physicalName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}`.slice(0, 64);
}

export function tableArn(name: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
}

export function queueArn(name: string): string {
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/** An API id as API Gateway makes them: ten lower-case characters, stable for a logical id. */
export function apiId(logicalId: string): string {
  return createHash('sha256').update(logicalId).digest('hex').replace(/\d/g, '').padEnd(10, 'x').slice(0, 10);
}

/** The logical id an `Fn::GetAtt [id, attr]` or `Ref id` points to, or undefined. */
export function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return String(getAtt[0]);
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}
