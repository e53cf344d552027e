/**
 * The gateway's credentials in Secrets Manager, injected into the task by reference: generated ones
 * (master key, salt key, the cache's AUTH token) from @pulumi/random, provider keys from the stack's
 * secret config. Each value is a Pulumi secret from end to end.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GatewayContext } from "./context";
import { ENV, providerKeyEnv } from "./liteLLMConfig";

/** The secrets stored so far, as the task's environment references them. */
export interface SecretStore {
    /** Task environment variable -> secret ARN, in the order stored. */
    readonly env: { readonly name: string; readonly arn: pulumi.Output<string> }[];
    /** Every secret version written (their values stay secret). */
    readonly versionIds: pulumi.Output<string>[];
    /** Stores `value` as a new secret and version, and adds it to the task's environment as `envName`. */
    store(suffix: string, envName: string, value: pulumi.Output<string>, description: string): aws.secretsmanager.Secret;
}

export function createSecretStore(ctx: GatewayContext): SecretStore {
    const { name, physical, production, tags } = ctx;
    const parent = { parent: ctx.parent };
    const env: SecretStore["env"] = [];
    const versionIds: pulumi.Output<string>[] = [];
    return {
        env,
        versionIds,
        store(suffix, envName, value, description) {
            // A prefix, not a name: a deleted secret keeps its name for the recovery window.
            const secret = new aws.secretsmanager.Secret(`${name}-${suffix}`, { namePrefix: `${physical}/${suffix}-`, description, recoveryWindowInDays: production ? 30 : 0, tags: tags(suffix) }, parent);
            versionIds.push(new aws.secretsmanager.SecretVersion(`${name}-${suffix}`, { secretId: secret.id, secretString: pulumi.secret(value) }, parent).id);
            env.push({ name: envName, arn: secret.arn });
            return secret;
        },
    };
}

/** The master key (admin; issues virtual keys) and the salt key; returns the master key's secret. */
export function createGeneratedSecrets(ctx: GatewayContext, secrets: SecretStore): aws.secretsmanager.Secret {
    const parent = { parent: ctx.parent };
    const masterKey = new random.RandomPassword(`${ctx.name}-master-key`, { length: 48, special: false }, parent);
    const master = secrets.store("master-key", ENV.masterKey, pulumi.interpolate`sk-${masterKey.result}`, "LiteLLM master key (admin; issue virtual keys to clients)");
    // LiteLLM encrypts credentials it stores in Postgres with the salt key; it must never change.
    const saltKey = new random.RandomPassword(`${ctx.name}-salt-key`, { length: 48, special: false }, parent);
    secrets.store("salt-key", "LITELLM_SALT_KEY", saltKey.result, "LiteLLM salt key (encrypts credentials stored in the database)");
    return master;
}

/** One secret per routed provider's API key; a key missing from the secret object fails when its value arrives. */
export function createProviderKeySecrets(secrets: SecretStore, providers: readonly string[], providerApiKeys: pulumi.Output<Record<string, string>>): void {
    for (const provider of providers) {
        const key = providerApiKeys.apply((keys) => {
            const value = keys[provider];
            if (typeof value !== "string" || value === "") {
                throw new Error(`llm-breakeven:providerApiKeys.${provider}: missing; the routing calls ${provider}. Fix: pulumi config set --secret --path llm-breakeven:providerApiKeys.${provider} <key>`);
            }
            return value;
        });
        secrets.store(`key-${provider.replace(/_/g, "-")}`, providerKeyEnv(provider), key, `${provider} API key for the LiteLLM gateway`);
    }
}

/** Valkey's AUTH token, generated and stored; returns the value for the cache itself. */
export function createCacheAuth(ctx: GatewayContext, secrets: SecretStore): pulumi.Output<string> {
    const cacheAuth = new random.RandomPassword(`${ctx.name}-cache-auth`, { length: 64, special: false }, { parent: ctx.parent });
    secrets.store("cache-auth", ENV.redisPassword, cacheAuth.result, "Valkey AUTH token for the LiteLLM gateway");
    return cacheAuth.result;
}
