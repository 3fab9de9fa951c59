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
    public void AddGrant_InOrderAndRepeated_KeepsFirstRegistrationOrderAndRegistersEachOnce()
    {
        var services = new ServiceCollection();

        var builder = services.AddMandate(Options()).AddGrant<FirstGrant>().AddGrant<SecondGrant>().AddGrant<FirstGrant>();

        Assert.Equal([typeof(FirstGrant), typeof(SecondGrant)], builder.Grants.Types);
        Assert.Single(services, d => d.ServiceType == typeof(FirstGrant));
        using var provider = services.BuildServiceProvider();
        var grants = provider.GetRequiredService<GrantRegistrations>().Resolve<IFakeGrant>(provider);
        Assert.Equal(["first", "second"], grants.Select(g => g.Name));
    }

    [Fact]
    public void GrantRegistrations_TypeWithoutTheContract_ResolveNamesIt()
    {
        var services = new ServiceCollection();
        var builder = services.AddMandate(Options()).AddGrant<FirstGrant>().AddGrant<NotAGrant>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => builder.Grants.Resolve<IFakeGrant>(provider));

        Assert.Contains(nameof(NotAGrant), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMandate_BuiltInGrants_DeclaredOnceInTheOrderTheyAreAsked()
    {
        var services = new ServiceCollection();
        var builder = services.AddMandate(Options());
        builder.AddGrant<ToolCredentialGrant>();

        Assert.Equal([typeof(ToolCredentialGrant), typeof(RunTokenGrant), typeof(ApprovalPollGrant)], builder.Grants.Types);
        Assert.All(builder.Grants.Types, grant => Assert.Single(services, d => d.ServiceType == grant));
        Assert.All(builder.Grants.Types, grant => Assert.True(typeof(IGrantHandler).IsAssignableFrom(grant), grant.Name));
    }

    private interface IFakeGrant
    {
        string Name { get; }
    }

    private sealed class FirstGrant : IFakeGrant
    {
        public string Name => "first";
    }

    private sealed class SecondGrant : IFakeGrant
    {
        public string Name => "second";
    }

    private sealed class NotAGrant;

    private sealed class FakeKind : ICredentialKind
    {
        public CredentialKind Kind => CredentialKind.Jwt;

        public bool IssuableAfterApproval => true;

        public ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class FakeTrustSource : ITrustSource
    {
        public IEnumerable<TrustedIssuer> Issuers => [];
    }
}
