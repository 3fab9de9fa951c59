using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Cluster;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.Jwt;
using Mandate.Core.Decisions;
using Mandate.Core.Grants;
using Mandate.Core.Introspection;
using Mandate.Core.Issuance;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Policy;
using Mandate.Core.Resolution;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Policy;
using Mandate.SenderConstraint;
using Mandate.Server.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>The one composition root: wires the stages in pipeline order (attest → decide → record → mint → revoke).</summary>
public static class MandateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the broker and returns its builder. Calling it again returns the same builder and registers nothing
    /// twice. The parts opened at start-up (store, keys, policy, revocations) are added with
    /// <see cref="MandateBuilder.UseRuntime"/> once <see cref="MandateRuntime.OpenAsync(MandateBuilder, Microsoft.Extensions.Logging.ILoggerFactory, CancellationToken)"/> has run.
    /// </summary>
    public static MandateBuilder AddMandate(this IServiceCollection services, MandateOptions options, MandateHostOptions? host = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(MandateBuilder))?.ImplementationInstance is MandateBuilder existing)
        {
            return existing;
        }

        host ??= new MandateHostOptions();
        var builder = new MandateBuilder(services, options, host);
        var time = host.Time;
        services.AddSingleton(builder);
        services.TryAddSingleton(options);
        services.TryAddSingleton(time);
        services.TryAddSingleton(new Registry(options));
        services.TryAddSingleton<IPolicyDecisionPoint>(sp => ShadowPolicy.Wrap(new CurrentPolicyDecisionPoint(sp.GetRequiredService<PolicyProvider>()), sp));
        services.AddHttpClient();

        // cluster: one node on an embedded store hears nothing and leads everything; UseRuntime puts in what the store chose
        services.TryAddSingleton<IChangeFeed, LocalChangeFeed>();
        services.TryAddSingleton<IClusterLocks, LocalClusterLocks>();
        services.TryAddSingleton<IProofReplayGuard>(_ => new DpopReplayCache(options.Limits.DpopReplayCacheEntries));
        services.TryAddSingleton<ClusterLeadership>();
        services.AddHostedService<ClusterSync>();

        // trust: every source's issuers, configured ones first
        builder.AddTrustSource<ConfiguredTrustSource>();
        services.TryAddSingleton(new ValidatedTokenCache(options.IdentityCache, time));
        services.TryAddSingleton(sp => new JwtAttestor(sp.GetServices<ITrustSource>().SelectMany(s => s.Issuers), time, sp.GetRequiredService<ValidatedTokenCache>(), options.Issuer));

        services.TryAddSingleton<PrincipalStanding>();
        services.TryAddSingleton<ActorAttestor>();
        services.TryAddSingleton<RunTokenValidator>();
        services.TryAddSingleton<RunTokenMinter>();
        services.TryAddSingleton<RunService>();
        services.TryAddSingleton<ApprovalService>();
        services.TryAddSingleton<Mandate.Core.Mcp.IMcpCallPolicy, Mandate.Core.Mcp.McpCallPolicy>();
        services.TryAddSingleton<Mandate.Core.Evidence.EvidenceService>();

        // the request path: each grant composes the stages attest -> resolve -> load state -> decide -> issue
        services.TryAddSingleton<AttestStage>();
        services.TryAddSingleton<ResolveStage>();
        services.TryAddSingleton<LoadStateStage>();
        services.TryAddSingleton<DecideStage>();
        services.TryAddSingleton<ApprovalRequests>();
        services.TryAddSingleton<IssueStage>();

        // issue: one credential kind per tool kind
        services.TryAddSingleton(sp => new AccessTokenMinter(sp.GetRequiredService<SigningKeyRing>(), options.Issuer, sp.GetService<RsaTokenKeyRing>()));
        // jwt and secret tools both get a Mandate access token (a secret tool's goes to the egress proxy, which injects the secret)
        services.AddSingleton<ICredentialKind>(sp => new JwtCredentialKind(sp.GetRequiredService<AccessTokenMinter>(), CredentialKind.Jwt));
        services.AddSingleton<ICredentialKind>(sp => new JwtCredentialKind(sp.GetRequiredService<AccessTokenMinter>(), CredentialKind.Secret));
        services.TryAddSingleton<PostgresAdminConnections>();
        builder.AddCredentialKind<PostgresCredentialKind>();
        services.TryAddSingleton(sp => new Core.Credentials.Federation.FederationKeyRing(sp.GetRequiredService<IMandateStore>(), sp.GetRequiredService<KeyEncryptionKey>(), options, time, sp.GetRequiredService<IClusterLocks>()) { Log = sp.GetRequiredService<ILoggerFactory>().CreateLogger<KeyRing>() });
        builder.AddCredentialKind<Core.Credentials.Federation.OidcFederationCredentialKind>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialKind, Core.Credentials.X509.X509CredentialKind>(sp =>
            new Core.Credentials.X509.X509CredentialKind(sp.GetService<Mandate.Core.Spiffe.SpiffeAuthority>())));
        services.TryAddSingleton<CredentialKinds>();

        // grants, in the order they are asked "is this mine?"
        builder.AddGrant<ToolCredentialGrant>().AddGrant<RunTokenGrant>().AddGrant<ApprovalPollGrant>();
        services.TryAddSingleton<GrantDispatcher>();

        // use / revoke
        services.TryAddSingleton<IssuedTokenValidator>();
        services.TryAddSingleton<IntrospectionHandler>();
        services.AddHostedService<StoreHealthLog>();
        services.TryAddSingleton<PendingRevocations>();
        services.AddHostedService<PendingRevocationWriter>();
        services.TryAddSingleton<IRunStore>(sp => sp.GetRequiredService<IMandateStore>());
        services.TryAddSingleton<RevocationService>();
        services.TryAddSingleton<TokenRevocationHandler>();
        services.TryAddSingleton<WorkloadAuthentication>();
        SenderConstraintRegistrations.Add(services, options, time);
        services.AddHostedService<MaintenanceService>();
        services.TryAddSingleton<DatabaseLeaseReaper>();
        services.AddHostedService<DatabaseLeaseReaperService>();
        SpiffeRegistrations.Add(builder, options);
        ProxyRegistrations.Add(services);
        Telemetry.TelemetryRegistrations.Add(services, options, host);
        AuditStream.AuditStreamRegistrations.Add(services, options, host);

        // start-up's last step, once the listeners are bound: publish sockets, record the start, open the gate
        services.TryAddSingleton<StartupGate>();
        services.TryAddSingleton(new ServedSockets([]));
        services.AddHostedService<MandateStartupService>();
        return builder;
    }
}
