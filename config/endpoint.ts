/**
 * `llm-breakeven:selfHosted.endpoint`: how applications in the VPC (or a peered one) call the
 * self-hosted model. Parsed by the stack schema (config/schema.ts), checked across fields here, once.
 * Without the section a self-hosted stack serves inside the cluster only (no load balancer, no key),
 * and a hybrid stack reaches vLLM over HTTP inside the VPC, which the schema refuses in production
 * (rules.ts).
 *
 * The certificate cannot be known offline: a production stack file leaves it out, `pulumi up` refuses
 * without it (one line naming the key and the command), and only the offline plan (mockrun) fills in
 * `offlinePlanEndpoint`, which the program refuses outside an offline plan (see `deployProblems`).
 */
import { z } from "zod";

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
/** arn:aws:acm:<region>:<account>:certificate/<id> (aws-cn, aws-us-gov partitions too). */
const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** A DNS name of two or more labels (RFC 1123), no scheme, no port, no wildcard. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Who checks the caller: `api-key` (vLLM's own bearer key, from the secret llm-breakeven:vllmApiKey),
 * or `gateway` (the LiteLLM gateway's virtual keys in front: the hybrid mode's path).
 */
export const ENDPOINT_AUTH = ["api-key", "gateway"] as const;
export type EndpointAuth = (typeof ENDPOINT_AUTH)[number];

export const endpointSchema = z.object({
    /**
     * ACM certificate for the HTTPS listener: an imported certificate or one issued by your private CA.
     * Required in production (plain HTTP is refused); without it (dev) the listener is HTTP on 8000.
     */
    certificateArn: z.string().regex(ACM_ARN, "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)").optional(),
    /** The name the certificate covers; clients call https://<hostName>/v1. Required with certificateArn. */
    hostName: z.string().regex(HOST_NAME, "must be a lowercase DNS name such as llm.internal.example.com (no scheme, port or wildcard)").optional(),
    /** A Route 53 private hosted zone to put hostName's alias record in. Default: none (point hostName at the load balancer yourself). */
    privateHostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id (Z...)").optional(),
    /** Address ranges allowed to call the endpoint (security group ingress). Default []. */
    allowedCidrs: z.array(z.string().regex(CIDR, "must be an IPv4 CIDR such as 10.60.0.0/16")).default([]),
    /** Security groups allowed to call the endpoint. Default []. */
    allowedSecurityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id (sg-...)")).default([]),
    /** Default: api-key in mode self-hosted, gateway in mode hybrid. */
    auth: z.enum(ENDPOINT_AUTH).optional(),
    /** Seconds the load balancer keeps an idle connection: long completions stream for minutes. */
    idleTimeoutSeconds: z.number().int().min(60).max(4000).default(600),
    /** Requests per month through the endpoint: the load balancer's LCUs are priced from it. */
    requestsPerMonth: z.number().int().min(0).default(1_000_000),
}).strict();
export type EndpointConfig = z.output<typeof endpointSchema>;

export const ENDPOINT_DEFAULTS: EndpointConfig = endpointSchema.parse({});

/** The auth a mode gets when the config names none. */
export function endpointAuth(endpoint: EndpointConfig, mode: "self-hosted" | "hybrid"): EndpointAuth {
    return endpoint.auth ?? (mode === "hybrid" ? "gateway" : "api-key");
}

type Issue = (path: Array<string | number>, message: string, value?: unknown) => void;

const SET_CERT = "pulumi config set --path 'llm-breakeven:selfHosted.endpoint.certificateArn' arn:aws:acm:<region>:<account>:certificate/<id>";

/** Cross-field rules of the endpoint (the schema's superRefine calls it). */
export function checkEndpoint(e: EndpointConfig, mode: "self-hosted" | "hybrid", issue: Issue): void {
    const path = (key: string): Array<string | number> => ["selfHosted", "endpoint", key];
    if (e.certificateArn !== undefined && e.hostName === undefined) {
        issue(path("hostName"), "is required with certificateArn: the name the certificate covers, which clients call (the load balancer's own DNS name is not on your certificate)");
    }
    if (e.privateHostedZoneId !== undefined && e.hostName === undefined) {
        issue(path("hostName"), "is required with privateHostedZoneId: the record's name");
    }
    const auth = endpointAuth(e, mode);
    if (mode === "self-hosted" && auth === "gateway") {
        issue(path("auth"), "\"gateway\" is only allowed when mode is \"hybrid\" (the gateway's virtual keys in front of vLLM); use \"api-key\", or mode hybrid", e.auth);
    }
    if (mode === "hybrid" && auth === "api-key") {
        issue(path("auth"), "\"api-key\" is not supported when mode is \"hybrid\": the gateway calls vLLM without vLLM's key; use \"gateway\" (the default)", e.auth);
    }
    if (mode === "self-hosted" && e.allowedCidrs.length === 0 && e.allowedSecurityGroupIds.length === 0) {
        issue(path("allowedCidrs"), "and selfHosted.endpoint.allowedSecurityGroupIds are both empty: nothing could call the model; name the callers' address ranges or security groups");
    }
}

/**
 * What the offline plan (mockrun) puts in place of the values a production stack file cannot carry.
 * The `.invalid` TLD (RFC 2606) and account 000000000000 name nothing real.
 */
export function offlinePlanEndpoint(region: string): { readonly certificateArn: string; readonly hostName: string } {
    return { certificateArn: `arn:aws:acm:${region}:000000000000:certificate/offline-plan-placeholder`, hostName: "vllm.offline-plan.invalid" };
}

export const isOfflinePlanPlaceholder = (endpoint: Pick<EndpointConfig, "certificateArn" | "hostName">): boolean =>
    (endpoint.certificateArn?.endsWith(":000000000000:certificate/offline-plan-placeholder") ?? false) || (endpoint.hostName?.endsWith(".offline-plan.invalid") ?? false);

/**
 * What keeps an endpoint from a real preview or deploy, one line each, naming the key and the fix:
 * production without a certificate (plain HTTP is refused), and the offline plan's placeholder
 * anywhere but in an offline plan. Checked by the program's preflight, before any resource exists;
 * not by the schema, whose other readers (the cost engine, `estimate`, the policy pack) read the
 * shipped stack files, which cannot carry a certificate.
 */
export function deployProblems(endpoint: EndpointConfig, environment: string, offlinePlan: boolean): string[] {
    if (endpoint.certificateArn === undefined) {
        return environment === "production"
            ? [`llm-breakeven:selfHosted.endpoint.certificateArn: is required when environment is "production": the endpoint refuses plain HTTP; import a certificate into ACM (or issue one from your private CA) and run \`${SET_CERT}\``]
            : [];
    }
    if (offlinePlan || !isOfflinePlanPlaceholder(endpoint)) return [];
    return [`llm-breakeven:selfHosted.endpoint.certificateArn: "${endpoint.certificateArn}" is the offline plan's placeholder, not a certificate; run \`${SET_CERT}\` and set selfHosted.endpoint.hostName to the name it covers`];
}
