using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Grants;
using Mandate.Core.Protocol;
using Mandate.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mandate.Server.Tests.Hosting;

/// <summary>The composition root: one builder, every registration once however often it is asked for.</summary>
public sealed class MandateBuilderTests
{
    private static MandateOptions Options() => ConfigLoader.Parse("""
        trust_domain: acme.example
        data_dir: /tmp/mandate-builder-tests
        policy: policy.yaml
        issuers:
          - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json }
        tools:
          - { name: crm, resource: https://crm.acme.example, scopes: [crm:read] }
        agents:
          - { id: spiffe://acme.example/agents/a, tenants: [acme], tools: [crm] }
        """, "mandate.yaml");

    [Fact]
    public void AddMandate_CalledTwice_ReturnsTheSameBuilderAndRegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        var options = Options();

        var first = services.AddMandate(options);
        var count = services.Count;
        var second = services.AddMandate(options);

        Assert.Same(first, second);
        Assert.Equal(count, services.Count);
        Assert.Single(services, d => d.ServiceType == typeof(GrantDispatcher));
        Assert.Single(services, d => d.ServiceType == typeof(ITrustSource) && d.ImplementationType == typeof(ConfiguredTrustSource));
    }

    [Fact]
    public void AddMandate_HostedServices_EachRegisteredOnce()
    {
        var services = new ServiceCollection();
        services.AddMandate(Options());
        services.AddMandate(Options());

        var hosted = services.Where(d => d.ServiceType == typeof(IHostedService)).Select(d => d.ImplementationType).ToList();

        Assert.Equal(hosted.Distinct().Count(), hosted.Count);
        Assert.Contains(typeof(MandateStartupService), hosted);
    }

    [Fact]
    public void AddCredentialKind_SameKindTwice_RegisteredOnce()
    {
        var services = new ServiceCollection();

        services.AddMandate(Options()).AddCredentialKind<FakeKind>().AddCredentialKind<FakeKind>();

        Assert.Single(services, d => d.ServiceType == typeof(ICredentialKind) && d.ImplementationType == typeof(FakeKind));
    }

    [Fact]
    public void AddTrustSource_SameSourceTwice_RegisteredOnceAfterTheConfiguredIssuers()
    {
        var services = new ServiceCollection();

        services.AddMandate(Options()).AddTrustSource<FakeTrustSource>().AddTrustSource<FakeTrustSource>();

        var sources = services.Where(d => d.ServiceType == typeof(ITrustSource)).Select(d => d.ImplementationType).ToList();
        Assert.Equal([typeof(ConfiguredTrustSource), typeof(FakeTrustSource)], sources);
    }

    [Fact]
    public void AddGrant_InOrderAndRepeated_AskedAfterTheBuiltInsInFirstRegistrationOrderEachOnce()
    {
        var services = new ServiceCollection();

        services.AddMandate(Options()).AddGrant<FirstGrant>().AddGrant<SecondGrant>().AddGrant<FirstGrant>();

        Assert.Equal(5, services.Count(d => d.ServiceType == typeof(IGrantHandler)));
        Assert.Equal([typeof(ToolCredentialGrant), typeof(RunTokenGrant), typeof(ApprovalPollGrant), typeof(FirstGrant), typeof(SecondGrant)], GrantOrder(services));
    }

    [Fact]
    public void AddMandate_BuiltInGrants_DeclaredOnceInTheOrderTheyAreAsked()
    {
        var services = new ServiceCollection();

        services.AddMandate(Options()).AddGrant<ToolCredentialGrant>();
        services.AddMandate(Options());

        Assert.Equal([typeof(ToolCredentialGrant), typeof(RunTokenGrant), typeof(ApprovalPollGrant)], GrantOrder(services));
        Assert.Equal(3, services.Count(d => d.ServiceType == typeof(IGrantHandler)));
    }

    /// <summary>The grants as registered (each as itself, then as a handler in the same order).</summary>
    private static List<Type> GrantOrder(IServiceCollection services) =>
        [.. services.Where(d => d.ServiceType != typeof(IGrantHandler) && typeof(IGrantHandler).IsAssignableFrom(d.ServiceType)).Select(d => d.ServiceType)];

    private sealed class FirstGrant : IGrantHandler
    {
        public bool Accepts(TokenRequest request) => false;

        public ValueTask<Result<TokenResponse>> HandleAsync(TokenRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class SecondGrant : IGrantHandler
    {
        public bool Accepts(TokenRequest request) => false;

        public ValueTask<Result<TokenResponse>> HandleAsync(TokenRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class FakeKind : ICredentialKind
    {
        public CredentialKind Kind => CredentialKind.Jwt;

        public string IssuedTokenType => OAuthConstants.TokenTypes.AccessToken;

        public bool IssuableAfterApproval => true;

        public ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class FakeTrustSource : ITrustSource
    {
        public IEnumerable<TrustedIssuer> Issuers => [];
    }
}
