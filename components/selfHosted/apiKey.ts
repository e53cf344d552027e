/**
 * vLLM's bearer key, from the Pulumi secret llm-breakeven:vllmApiKey to the pod without ever being
 * plain text in a rendered manifest, in args or in a plain env value:
 *
 * - a Kubernetes Secret made from the Pulumi secret (its data stays a secret output in the state);
 * - the container's env VLLM_API_KEY by `valueFrom.secretKeyRef`. vLLM reads it when `--api-key` is
 *   absent: vllm/envs.py (`"VLLM_API_KEY": lambda: os.environ.get("VLLM_API_KEY", None)`) and
 *   vllm/entrypoints/openai/api_server.py `build_app` ("Ensure --api-key option from CLI takes
 *   precedence over VLLM_API_KEY": `tokens := [key for key in (args.api_key or [envs.VLLM_API_KEY]) if key]`,
 *   then `AuthenticationMiddleware`, which checks `Authorization: Bearer <key>` on `/v1` paths only, so
 *   `/health` stays open for the load balancer's health check). docs/sources.md §6 (read in snapshots
 *   before and after v0.11.0, the pinned image; none at the tag itself was available).
 * - a checksum of the key on the pod template, computed inside the secret Output: changing the config
 *   changes the template, and Kubernetes rolls the replicas (program order: one zone after the other).
 *   The checksum is shown as plain text (a secret annotation would make the whole Deployment spec a
 *   secret, unreadable in every preview): 64 bits of SHA-256 of a key of at least 128 random bits
 *   (MIN_API_KEY_LENGTH hex characters) tell nothing about the key.
 */
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";

/** The env var vLLM reads the key from, and the Secret's key holding it. */
export const VLLM_API_KEY_ENV = "VLLM_API_KEY";
/** Pod-template annotation carrying the key's checksum: a new key is a new template, hence a rollout. */
export const API_KEY_CHECKSUM_ANNOTATION = "llm-breakeven/api-key-sha256";
/** A key shorter than this is refused: 32 characters is `openssl rand -hex 16`'s output, 128 random bits. */
export const MIN_API_KEY_LENGTH = 32;

/** How a pod gets the key: the Secret's name and the checksum of the key it holds. */
export interface PodApiKey {
    readonly secretName: string;
    /** A secret Output in a real run; never the key. */
    readonly checksum: pulumi.Input<string>;
}

export function apiKeyEnv(secretName: string): k8sInput.core.v1.EnvVar {
    return { name: VLLM_API_KEY_ENV, valueFrom: { secretKeyRef: { name: secretName, key: VLLM_API_KEY_ENV } } };
}

/** SHA-256 of the key, the first 16 hex characters. Pure: callers run it inside the secret Output. */
export function apiKeySha256(key: string): string {
    if (key.length < MIN_API_KEY_LENGTH) {
        // The length only, never the key.
        throw new Error(`llm-breakeven:vllmApiKey: a key of ${key.length} characters is too easy to guess; use at least ${MIN_API_KEY_LENGTH}: pulumi config set --secret llm-breakeven:vllmApiKey "$(openssl rand -hex 32)"`);
    }
    return createHash("sha256").update(key, "utf8").digest("hex").slice(0, 16);
}

/** The key as a Kubernetes Secret in the serving namespace, and what a pod needs to use it. */
export function createApiKeySecret(name: string, namespace: string, key: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): { readonly secret: k8s.core.v1.Secret; readonly podApiKey: PodApiKey } {
    const secretKey = pulumi.secret(key);
    const secret = new k8s.core.v1.Secret(name, {
        metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven", "app.kubernetes.io/component": "api-key" } },
        type: "Opaque",
        stringData: { [VLLM_API_KEY_ENV]: secretKey },
    }, { ...opts, additionalSecretOutputs: ["data", "stringData"] });
    return { secret, podApiKey: { secretName: name, checksum: pulumi.unsecret(secretKey.apply(apiKeySha256)) } };
}
