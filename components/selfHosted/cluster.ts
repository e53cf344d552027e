/**
 * The EKS cluster: the control plane in the private subnets with private API access always on (public
 * only when asked), secrets envelope-encrypted with a customer-managed KMS key, an OIDC provider for
 * IRSA, a small on-demand system node group across every zone for the add-ons, the core add-ons (the
 * VPC CNI with its network policy agent on, so the serving namespace's NetworkPolicy is enforced), the
 * EBS CSI driver on an IRSA role, a gp3 StorageClass, and a Kubernetes provider for the rest.
 *
 * Built with aws.eks.Cluster directly, not @pulumi/eks: its v3 is a remote component whose children
 * are invisible to the mock runtime (and to the cost checks that read the resource graph).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const CLUSTER_TYPE = "llm-breakeven:selfHosted:Cluster";

/** IMDSv2 only, one hop: pods cannot borrow the node's instance role (they use IRSA). */
export const NODE_METADATA_OPTIONS = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" } as const;

export interface KubeconfigInput {
    readonly clusterName: string;
    readonly endpoint: string;
    readonly certificateAuthorityData: string;
    readonly region: string;
}

/**
 * A kubeconfig (JSON, which kubeconfig parsers accept) that authenticates with `aws eks get-token`:
 * no credential is stored in it, so it is not a secret.
 */
export function renderKubeconfig(input: KubeconfigInput): string {
    const context = input.clusterName;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: input.endpoint, "certificate-authority-data": input.certificateAuthorityData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [{
            name: context,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", input.clusterName, "--region", input.region, "--output", "json"],
                    interactiveMode: "Never",
                },
            },
        }],
    });
}

/** The trust policy of an IRSA role: only this service account, only through this cluster's OIDC provider. */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): string {
    const issuer = issuerUrl.replace(/^https:\/\//, "");
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
        }],
    });
}

const assumeRole = (service: string): string => JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
});

export interface ClusterArgs {
    readonly region: string;
    /** EKS cluster name. */
    readonly clusterName: string;
    /** Tags on every AWS resource of the cluster. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
    readonly kubernetesVersion: string;
    /** The private subnets, one per zone: control-plane ENIs and the system nodes go there. */
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    /** Expose the API endpoint publicly as well. Default false: private access only (run Pulumi from inside the VPC or over a VPN). */
    readonly publicApiEndpoint?: boolean;
    readonly systemInstanceType: string;
    /** System nodes. Default: one per zone, at least 2 (CoreDNS and the Prometheus stack survive a node loss). */
    readonly systemNodes?: number;
    /** Root volume of the system nodes. Default 50 GiB. */
    readonly systemRootVolumeSizeGiB?: number;
    /** Days the KMS key waits before deletion. Default 30 (the maximum: a deleted key makes every secret unreadable). */
    readonly kmsDeletionWindowDays?: number;
}

export class Cluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly clusterArn: pulumi.Output<string>;
    /** The API server's URL (private unless publicApiEndpoint). */
    readonly endpoint: pulumi.Output<string>;
    readonly kubernetesVersion: string;
    /** The IAM OIDC provider pods' service accounts assume roles through (IRSA), and its issuer. */
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string>;
    /** The key that envelope-encrypts Kubernetes secrets in etcd. */
    readonly kmsKeyArn: pulumi.Output<string>;
    /** Instance role shared by the system and GPU node groups. */
    readonly nodeRoleArn: pulumi.Output<string>;
    readonly systemNodeGroupName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly storageClassName: pulumi.Output<string>;
    /** Kubernetes provider for everything deployed into the cluster. */
    readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(CLUSTER_TYPE, name, {}, opts);
        const tags = { ...args.tags };
        const zones = args.privateSubnetIds.length;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const managedPolicy = (policy: string): pulumi.Output<string> => pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;

        // IAM names are account-wide: each role's prefix carries the project and the stack (capped: a prefix is at most 38 characters).
        const rolePrefix = (role: string): string => `${`${pulumi.getProject()}-${pulumi.getStack()}`.slice(0, 36 - role.length)}-${role}-`;
        const clusterRole = new aws.iam.Role(`${name}-cluster`, { namePrefix: rolePrefix("cluster"), assumeRolePolicy: assumeRole("eks.amazonaws.com"), tags }, { parent: this });
        const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: clusterRole.name, policyArn: managedPolicy("AmazonEKSClusterPolicy") }, { parent: this });

        const key = new aws.kms.Key(`${name}-secrets`, {
            description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: args.kmsDeletionWindowDays ?? 30,
            tags,
        }, { parent: this });
        new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId }, { parent: this });

        const cluster = new aws.eks.Cluster(`${name}-eks`, {
            name: args.clusterName,
            roleArn: clusterRole.arn,
            version: args.kubernetesVersion,
            vpcConfig: {
                subnetIds: [...args.privateSubnetIds],
                endpointPrivateAccess: true,
                endpointPublicAccess: args.publicApiEndpoint ?? false,
            },
            encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
            // API access entries only (no aws-auth ConfigMap); whoever runs Pulumi is the first admin.
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            tags,
        }, { parent: this, dependsOn: [clusterPolicy] });

        const issuerUrl = cluster.identities.apply((ids) => {
            const issuer = ids[0]?.oidcs?.[0]?.issuer;
            if (issuer === undefined) throw new Error(`EKS cluster ${args.clusterName} reports no OIDC issuer; IRSA cannot be set up`);
            return issuer;
        });
        const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags }, { parent: this });

        const nodeRole = new aws.iam.Role(`${name}-node`, { namePrefix: rolePrefix("node"), assumeRolePolicy: assumeRole("ec2.amazonaws.com"), tags }, { parent: this });
        const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"].map((policy) =>
            new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: managedPolicy(policy) }, { parent: this }));

        const systemTemplate = new aws.ec2.LaunchTemplate(`${name}-system`, {
            description: "EKS system nodes: IMDSv2, encrypted gp3 root volume",
            metadataOptions: NODE_METADATA_OPTIONS,
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: args.systemRootVolumeSizeGiB ?? 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
            tagSpecifications: [{ resourceType: "instance", tags: { ...tags, Name: `${name}-system` } }],
            tags,
        }, { parent: this });
        const systemNodes = args.systemNodes ?? Math.max(2, zones);
        const systemGroup = new aws.eks.NodeGroup(`${name}-system`, {
            clusterName: cluster.name,
            nodeRoleArn: nodeRole.arn,
            subnetIds: [...args.privateSubnetIds],
            instanceTypes: [args.systemInstanceType],
            amiType: "AL2023_x86_64_STANDARD",
            capacityType: "ON_DEMAND",
            scalingConfig: { desiredSize: systemNodes, minSize: Math.min(2, systemNodes), maxSize: systemNodes * 2 },
            launchTemplate: { id: systemTemplate.id, version: systemTemplate.latestVersion.apply(String) },
            labels: { "llm-breakeven/pool": "system" },
            updateConfig: { maxUnavailable: 1 },
            tags,
        }, { parent: this, dependsOn: nodePolicies });

        const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []): aws.eks.Addon =>
            new aws.eks.Addon(`${name}-${addonName}`, {
                clusterName: cluster.name,
                addonName,
                addonVersion: aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: cluster.version, mostRecent: true }, { parent: this }).version,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "PRESERVE",
                tags,
                ...extra,
            }, { parent: this, dependsOn });
        // Without the network policy agent the serving namespace's NetworkPolicy would be accepted and ignored.
        addon("vpc-cni", { configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) });
        addon("kube-proxy");
        addon("coredns", {}, [systemGroup]);
        const ebsCsiRole = new aws.iam.Role(`${name}-ebs-csi`, {
            namePrefix: rolePrefix("ebs-csi"),
            assumeRolePolicy: pulumi.all([oidc.arn, issuerUrl]).apply(([arn, url]) => irsaTrustPolicy(arn, url, "kube-system", "ebs-csi-controller-sa")),
            tags,
        }, { parent: this });
        const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: ebsCsiRole.name, policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy") }, { parent: this });
        const ebsCsi = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, [systemGroup, ebsCsiPolicy]);

        const kubeconfig = pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([clusterName, endpoint, ca]) =>
            renderKubeconfig({ clusterName, endpoint, certificateAuthorityData: ca.data ?? "", region: args.region }));
        const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, { parent: this, dependsOn: [systemGroup] });
        const storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, {
            metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            volumeBindingMode: "WaitForFirstConsumer",
            reclaimPolicy: "Delete",
            allowVolumeExpansion: true,
        }, { parent: this, provider, dependsOn: [ebsCsi] });

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.endpoint = cluster.endpoint;
        this.kubernetesVersion = args.kubernetesVersion;
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuerUrl = issuerUrl;
        this.kmsKeyArn = key.arn;
        this.nodeRoleArn = nodeRole.arn;
        this.systemNodeGroupName = systemGroup.nodeGroupName;
        this.kubeconfig = kubeconfig;
        this.storageClassName = storageClass.metadata.name;
        this.provider = provider;
        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            endpoint: this.endpoint,
            kubernetesVersion: this.kubernetesVersion,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuerUrl: this.oidcIssuerUrl,
            kmsKeyArn: this.kmsKeyArn,
            nodeRoleArn: this.nodeRoleArn,
            systemNodeGroupName: this.systemNodeGroupName,
            kubeconfig: this.kubeconfig,
            storageClassName: this.storageClassName,
            provider: this.provider,
        });
    }
}
