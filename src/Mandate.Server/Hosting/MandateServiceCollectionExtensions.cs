using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Credentials.Jwt;
using Mandate.Core.Decisions;
using Mandate.Core.Grants;
using Mandate.Core.Issuance;
using Mandate.Core.Resolution;
using Mandate.Core.Introspection;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Server.Http;
using Mandate.Server.SenderConstraint;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Hosting;

/// <summary>The one composition root: wires the stages in pipeline order (attest → decide → record → mint → revoke).</summary>
public static class MandateServiceCollectionExtensions
{
    /// <summary>Registers the broker around components that were opened and loaded at start-up.</summary>
    public static IServiceCollection AddMandate(this IServiceCollection services, MandateRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        services.AddSingleton(runtime.Options);
        services.AddSingleton(runtime.Time);
        services.AddSingleton<IMandateStore>(runtime.Store);
        services.AddSingleton(runtime.Keys);
        services.AddSingleton(runtime.Policy);
        services.AddSingleton(runtime.Revocations);
        services.AddSingleton(runtime.AuditWriter);
        services.AddSingleton<IAuditTrail>(runtime.AuditWriter);
        services.AddSingleton(new Registry(runtime.Options));
        services.AddSingleton<IPolicyDecisionPoint>(sp => ShadowPolicy.Wrap(new CurrentPolicyDecisionPoint(runtime.Policy), runtime, sp));
        services.AddSingleton(sp => new JwtAttestor(TrustedIssuers.Create(runtime.Options, sp.GetRequiredService<IHttpClientFactory>(), runtime.Time, runtime.Spiffe), runtime.Time));
        services.AddHttpClient();

        services.AddSingleton<PrincipalStanding>();
        services.AddSingleton<ActorAttestor>();
        services.AddSingleton<RunTokenValidator>();
        services.AddSingleton<RunTokenMinter>();
        services.AddSingleton<RunService>();

        // the request path: grants over the stages attest -> resolve -> load state -> decide -> issue
        services.AddSingleton<AttestStage>();
        services.AddSingleton<ResolveStage>();
        services.AddSingleton<LoadStateStage>();
        services.AddSingleton<DecideStage>();
        services.AddSingleton<ApprovalRequests>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<Mandate.Core.Evidence.EvidenceService>();
        services.AddSingleton(sp => new AccessTokenMinter(runtime.Keys, runtime.Options.Issuer));
        services.AddSingleton<ICredentialKind>(sp => new JwtCredentialKind(sp.GetRequiredService<AccessTokenMinter>(), CredentialKind.Jwt));
        services.AddSingleton<ICredentialKind>(sp => new JwtCredentialKind(sp.GetRequiredService<AccessTokenMinter>(), CredentialKind.Secret));
        services.AddSingleton<PostgresAdminConnections>();
        services.AddSingleton<ICredentialKind, PostgresCredentialKind>();
        services.AddSingleton(sp => new Core.Credentials.Federation.FederationKeyRing(runtime.Store, runtime.Kek, runtime.Options, runtime.Time));
        services.AddSingleton<ICredentialKind, Core.Credentials.Federation.OidcFederationCredentialKind>();
        services.AddSingleton<ICredentialKind>(sp => new Core.Credentials.X509.X509CredentialKind(sp.GetService<Mandate.Core.Spiffe.SpiffeAuthority>()));
        services.AddSingleton<CredentialKinds>();
        services.AddSingleton<IssueStage>();
        services.AddSingleton<ToolCredentialGrant>();
        services.AddSingleton<IGrantHandler>(sp => sp.GetRequiredService<ToolCredentialGrant>());
        services.AddSingleton<IGrantHandler, RunTokenGrant>();
        services.AddSingleton<IGrantHandler, ApprovalPollGrant>();
        services.AddSingleton<GrantDispatcher>();

        // use / revoke
        services.AddSingleton<IssuedTokenValidator>();
        services.AddSingleton<IntrospectionHandler>();
        services.AddSingleton(runtime.StoreHealth);
        services.AddHostedService<StoreHealthLog>();
        services.AddSingleton<PendingRevocations>();
        services.AddHostedService<PendingRevocationWriter>();
        services.AddSingleton<RevocationService>();
        services.AddSingleton<TokenRevocationHandler>();
        services.AddSingleton<WorkloadAuthentication>();
        services.AddSenderConstraint(runtime);
        services.AddHostedService<MaintenanceService>();
        services.AddSingleton<DatabaseLeaseReaper>();
        services.AddHostedService<DatabaseLeaseReaperService>();
        services.AddMandateSpiffe(runtime);
        Proxy.ProxyHosting.AddEgressProxy(services, runtime);
        return services;
    }
}
