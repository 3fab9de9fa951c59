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
using Mandate.Server.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mandate.Server.Hosting;

/// <summary>The one composition root: wires the stages in pipeline order (attest → decide → record → mint → revoke).</summary>
public static class MandateServiceCollectionExtensions
{
    /// <summary>
    /// The token-exchange steps in the order they run, declared once: each is registered and the handler
    /// runs them in this order.
    /// </summary>
    internal static readonly Type[] ExchangeSteps =
    [
        // attest
        typeof(ValidateExchangeParameters),
        typeof(AttestActorToken),
        typeof(AttestSubjectToken),
        typeof(ResolveTool),
        typeof(ResolveScopes),
        typeof(ParseAuthorizationDetails),
        typeof(ResolveTenantAndRun),
        typeof(LoadPolicyState),
        typeof(ResolveRunEnvelope),
        // decide
        typeof(DecideByPolicy),
        typeof(RequestApproval),
        // record + mint
        typeof(IssueCredential),
        typeof(IssueRunToken),
    ];

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
        services.AddSingleton(builder.Grants);
        services.TryAddSingleton(options);
        services.TryAddSingleton(time);
        services.TryAddSingleton(new Registry(options));
        services.TryAddSingleton<IPolicyDecisionPoint>(sp => ShadowPolicy.Wrap(new CurrentPolicyDecisionPoint(sp.GetRequiredService<PolicyProvider>()), sp));
        services.AddHttpClient();

        // trust: every source's issuers, configured ones first
        builder.AddTrustSource<ConfiguredTrustSource>();
        services.TryAddSingleton(sp => new JwtAttestor(sp.GetServices<ITrustSource>().SelectMany(s => s.Issuers), time));

        services.TryAddSingleton<PrincipalStanding>();
        services.TryAddSingleton<ActorAttestor>();
        services.TryAddSingleton<RunTokenValidator>();
        services.TryAddSingleton<RunTokenMinter>();
        services.TryAddSingleton<RunService>();

        // decide (beside the exchange steps)
        services.TryAddSingleton<ApprovalPollHandler>();
        services.TryAddSingleton<ApprovalService>();
        services.TryAddSingleton<Mandate.Core.Evidence.EvidenceService>();
        // record + mint: credential kinds
        services.TryAddSingleton(sp => new AccessTokenMinter(sp.GetRequiredService<SigningKeyRing>(), options.Issuer));
        services.TryAddSingleton<PostgresAdminConnections>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialIssuer, PostgresCredentialIssuer>());
        services.TryAddSingleton(sp => new Core.Credentials.Federation.FederationKeys(sp.GetRequiredService<IMandateStore>(), sp.GetRequiredService<KeyEncryptionKey>(), options, time));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialIssuer, Core.Credentials.Federation.OidcFederationIssuer>());
        services.TryAddSingleton<CredentialIssuers>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICredentialIssuer, Core.Credentials.X509.X509CredentialIssuer>(sp =>
            new Core.Credentials.X509.X509CredentialIssuer(sp.GetService<Mandate.Core.Spiffe.SpiffeAuthority>(), sp.GetRequiredService<IAuditTrail>(), options)));
        services.TryAddSingleton<CredentialKinds>();

        // grants, in the order they are asked "is this mine?": builder.AddGrant<T>() each, once
        // the token exchange: its steps in ExchangeSteps order
        foreach (var step in ExchangeSteps)
        {
            services.TryAdd(ServiceDescriptor.Singleton(step, step));
        }

        services.TryAddSingleton(sp => new TokenExchangeHandler(
            ExchangeSteps.Select(step => (IExchangeStep)sp.GetRequiredService(step)),
            time,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<TokenExchangeHandler>>()));

        // use / revoke
        services.TryAddSingleton<IssuedTokenValidator>();
        services.TryAddSingleton<IntrospectionHandler>();
        services.AddHostedService<StoreHealthLog>();
        services.TryAddSingleton<PendingRevocations>();
        services.AddHostedService<PendingRevocationWriter>();
        services.TryAddSingleton<RevocationService>();
        services.TryAddSingleton<TokenRevocationHandler>();
        services.TryAddSingleton<WorkloadAuthentication>();
        SenderConstraintRegistrations.Add(services, options, time);
        services.AddHostedService<MaintenanceService>();
        services.TryAddSingleton<DatabaseLeaseReaper>();
        services.AddHostedService<DatabaseLeaseReaperService>();
        SpiffeRegistrations.Add(builder, options);
        ProxyRegistrations.Add(services);

        // start-up's last step, once the listeners are bound: publish sockets, record the start, open the gate
        services.TryAddSingleton<StartupGate>();
        services.TryAddSingleton(new ServedSockets([]));
        services.AddHostedService<MandateStartupService>();
        return builder;
    }
}
