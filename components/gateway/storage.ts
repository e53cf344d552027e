/**
 * The gateway's stores: ElastiCache for Valkey (the semantic cache and the state the tasks share:
 * cooldowns, rate limits, budget counters) and, when the environment keeps spend logs and virtual
 * keys, RDS PostgreSQL. One function per store, each taking the component's context.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GatewayContext } from "./context";
import { VpcRef } from "../network/vpc";
import { PINS } from "../../platform/pins";

/**
 * Valkey 8.2: the first ElastiCache for Valkey engine with vector search, which valkey-semantic needs
 * (BerriAI/litellm litellm/caching/valkey_semantic_cache.py: "On AWS, vector search needs ElastiCache
 * for Valkey 8.2+ on a node-based cluster"; the AWS record in platform/pins.ts).
 */
export const VALKEY_ENGINE_VERSION = PINS.valkeyEngineVersion.value;
/** RDS PostgreSQL major 16 (RDS picks a current 16.x minor); the RDS record in platform/pins.ts. */
export const POSTGRES_ENGINE_VERSION = PINS.postgresEngineVersion.value;
export const VALKEY_PORT = 6379;
export const POSTGRES_PORT = 5432;

export interface ValkeyArgs {
    readonly network: VpcRef;
    readonly securityGroupId: pulumi.Input<string>;
    readonly nodeType: string;
    /** Primary + replicas; 2+ gives a failover replica in another zone. */
    readonly nodes: number;
    readonly authToken: pulumi.Input<string>;
}

/** Node-based, cluster mode disabled (valkey-semantic needs vector search, which ElastiCache Serverless and cluster-mode-enabled groups do not give it), TLS and AUTH. */
export function createValkey(ctx: GatewayContext, args: ValkeyArgs): aws.elasticache.ReplicationGroup {
    const { name, production, tags } = ctx;
    const parent = { parent: ctx.parent };
    const subnets = new aws.elasticache.SubnetGroup(`${name}-cache`, { subnetIds: [...args.network.privateSubnetIds], description: `${name} Valkey`, tags: tags("cache") }, parent);
    const failover = args.nodes >= 2;
    return new aws.elasticache.ReplicationGroup(`${name}-valkey`, {
        description: `${name} LiteLLM semantic cache and shared state`,
        engine: "valkey",
        engineVersion: VALKEY_ENGINE_VERSION,
        nodeType: args.nodeType,
        numCacheClusters: args.nodes,
        clusterMode: "disabled",
        automaticFailoverEnabled: failover,
        multiAzEnabled: failover,
        port: VALKEY_PORT,
        subnetGroupName: subnets.name,
        securityGroupIds: [args.securityGroupId],
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        atRestEncryptionEnabled: true,
        authToken: args.authToken,
        snapshotRetentionLimit: production ? 7 : 0,
        applyImmediately: !production,
        tags: tags("valkey"),
    }, parent);
}

export interface PostgresArgs {
    readonly network: VpcRef;
    readonly taskSecurityGroupId: pulumi.Input<string>;
    readonly database: { readonly instanceClass: string; readonly multiAz: boolean; readonly allocatedStorageGiB: number };
}

/** Postgres reachable from the tasks only; returns the instance and its URL (with the password: store it as a secret). */
export function createPostgres(ctx: GatewayContext, args: PostgresArgs): { readonly instance: aws.rds.Instance; readonly url: pulumi.Output<string> } {
    const { name, physical, production, tags } = ctx;
    const parent = { parent: ctx.parent };
    const sg = new aws.ec2.SecurityGroup(`${name}-db`, {
        vpcId: args.network.vpcId, description: "Postgres from the LiteLLM tasks",
        ingress: [{ protocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT, securityGroups: [args.taskSecurityGroupId], description: "from the tasks" }],
        tags: tags("db"),
    }, parent);
    const subnets = new aws.rds.SubnetGroup(`${name}-db`, { subnetIds: [...args.network.privateSubnetIds], tags: tags("db") }, parent);
    // Letters and digits only: the password goes into a URL.
    const password = new random.RandomPassword(`${name}-db-password`, { length: 40, special: false }, parent);
    const instance = new aws.rds.Instance(`${name}-postgres`, {
        engine: "postgres",
        engineVersion: POSTGRES_ENGINE_VERSION,
        instanceClass: args.database.instanceClass,
        allocatedStorage: args.database.allocatedStorageGiB,
        storageType: "gp3",
        storageEncrypted: true,
        multiAz: args.database.multiAz,
        dbName: "litellm",
        username: "litellm",
        password: password.result,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [sg.id],
        publiclyAccessible: false,
        backupRetentionPeriod: production ? 7 : 1,
        deletionProtection: production,
        skipFinalSnapshot: !production,
        // Snapshot identifiers are region-wide: the stack is in the name.
        ...(production ? { finalSnapshotIdentifier: `${physical}-postgres-final` } : {}),
        tags: tags("postgres"),
    }, parent);
    return { instance, url: pulumi.interpolate`postgresql://litellm:${password.result}@${instance.address}:${instance.port}/litellm?sslmode=require` };
}
