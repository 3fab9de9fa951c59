using Mandate.Core.Approvals;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Exchange;
using Mandate.Core.Exchange.Steps;
using Mandate.Core.Introspection;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Policy;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Credentials.Postgres;
using Mandate.Policy;
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

        // attest
        services.AddSingleton<ValidateExchangeParameters>();
        services.AddSingleton<AttestActorToken>();
        services.AddSingleton<AttestSubjectToken>();
        services.AddSingleton<ResolveTool>();
        services.AddSingleton<ResolveScopes>();
        services.AddSingleton<ResolveTenantAndRun>();
        services.AddSingleton<ParseAuthorizationDetails>();
        services.AddSingleton<LoadPolicyState>();
        services.AddSingleton<ResolveRunEnvelope>();
        // decide
        services.AddSingleton<DecideByPolicy>();
        services.AddSingleton<RequestApproval>();
        services.AddSingleton<ApprovalPollHandler>();
        services.AddSingleton<ApprovalService>();
        services.AddSingleton<Mandate.Core.Evidence.EvidenceService>();
        // record + mint
        services.AddSingleton(sp => new AccessTokenMinter(runtime.Keys, runtime.Options.Issuer));
        services.AddSingleton<PostgresAdminConnections>();
        services.AddSingleton<ICredentialIssuer, PostgresCredentialIssuer>();
        services.AddSingleton(sp => new Core.Credentials.Federation.FederationKeys(runtime.Store, runtime.Kek, runtime.Options, runtime.Time));
        services.AddSingleton<ICredentialIssuer, Core.Credentials.Federation.OidcFederationIssuer>();
        services.AddSingleton<CredentialIssuers>();
        services.AddSingleton<ICredentialIssuer>(sp => new Core.Credentials.X509.X509CredentialIssuer(sp.GetService<Mandate.Core.Spiffe.SpiffeAuthority>(), sp.GetRequiredService<IAuditTrail>(), runtime.Options));
        services.AddSingleton<IssueCredential>();
        services.AddSingleton<IssueRunToken>();
        services.AddSingleton(sp => new TokenExchangeHandler(
        [
            sp.GetRequiredService<ValidateExchangeParameters>(),
            sp.GetRequiredService<AttestActorToken>(),
            sp.GetRequiredService<AttestSubjectToken>(),
            sp.GetRequiredService<ResolveTool>(),
            sp.GetRequiredService<ResolveScopes>(),
            sp.GetRequiredService<ParseAuthorizationDetails>(),
            sp.GetRequiredService<ResolveTenantAndRun>(),
            sp.GetRequiredService<LoadPolicyState>(),
            sp.GetRequiredService<ResolveRunEnvelope>(),
            sp.GetRequiredService<DecideByPolicy>(),
            sp.GetRequiredService<RequestApproval>(),
            sp.GetRequiredService<IssueCredential>(),
            sp.GetRequiredService<IssueRunToken>(),
        ], runtime.Time, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TokenExchangeHandler>>()));

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
