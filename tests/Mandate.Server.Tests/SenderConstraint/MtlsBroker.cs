using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// The test broker behind a real HTTPS listener on 127.0.0.1:0 that accepts optional client
/// certificates, trusting X.509-SVIDs of acme.example (and partner.example, to show that one
/// domain's CA cannot vouch for another's IDs).
/// </summary>
internal sealed class MtlsBroker : IAsyncDisposable
{
    public const string Configuration = """
        tls: { certificate_file: server.pem, key_file: server.key }
        x509_trust_bundles:
          - { trust_domain: acme.example, bundle_file: acme-ca.pem }
          - { trust_domain: partner.example, bundle_file: partner-ca.pem }
        """;

    private readonly TestPki _serverCa;

    private MtlsBroker(BrokerHarness broker, TestPki acme, TestPki partner, TestPki serverCa)
    {
        Broker = broker;
        Acme = acme;
        Partner = partner;
        _serverCa = serverCa;
    }

    public BrokerHarness Broker { get; }

    /// <summary>The CA of the broker's own trust domain.</summary>
    public TestPki Acme { get; }

    /// <summary>Another trust domain's CA, also configured (for partner.example IDs only).</summary>
    public TestPki Partner { get; }

    /// <param name="policy">policy.yaml.</param>
    /// <param name="configuration">The TLS part of mandate.yaml; default <see cref="Configuration"/> (two configured bundles).</param>
    /// <param name="brokerConfiguration">The rest of mandate.yaml; default <see cref="TestBroker.Configuration"/>.</param>
    public static async Task<MtlsBroker> StartAsync(string policy = TestBroker.Policy, string configuration = Configuration, string brokerConfiguration = TestBroker.Configuration)
    {
        var acme = new TestPki("acme.example");
        var partner = new TestPki("partner.example");
        var serverCa = new TestPki("listener");
        var broker = await BrokerHarness.StartAsync(policy, configuration + "\nlisten: https://127.0.0.1:0\n", "https://127.0.0.1:0", async dir =>
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "acme-ca.pem"), acme.AuthorityPem);
            await File.WriteAllTextAsync(Path.Combine(dir, "partner-ca.pem"), partner.AuthorityPem);
            await serverCa.WriteServerCertificateAsync(Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key"));
        }, brokerConfiguration);
        return new MtlsBroker(broker, acme, partner, serverCa);
    }

    /// <summary>A valid X.509-SVID for <paramref name="spiffeId"/> from the acme CA, valid around the broker's clock.</summary>
    public X509Certificate2 Svid(string spiffeId) =>
        Acme.IssueSvid(Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1), uris: spiffeId);

    /// <summary>
    /// An HTTPS client trusting only the listener's test CA, presenting <paramref name="certificate"/> if given; with
    /// <paramref name="maxConnections"/> 1 its sequential requests share one keep-alive TLS connection.
    /// </summary>
    public HttpClient Client(X509Certificate2? certificate, int maxConnections = int.MaxValue)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => TrustsListener(presented);
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            // Present exactly this certificate, whatever the server's acceptable-issuer hints say.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return new HttpClient(handler) { BaseAddress = Broker.App.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<OAuthReply> PostAsync(X509Certificate2? certificate, string path, IEnumerable<KeyValuePair<string, string>> form, string? bearer = null, string? dpop = null)
    {
        using var client = Client(certificate);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (dpop is not null)
        {
            request.Headers.Add("DPoP", dpop);
        }

        using var response = await client.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    public Task<OAuthReply> ExchangeAsync(X509Certificate2? certificate, ExchangeRequest request, string? dpop = null) =>
        PostAsync(certificate, "oauth2/token", request.ToForm(), dpop: dpop);

    private bool TrustsListener(X509Certificate? presented)
    {
        if (presented is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_serverCa.Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        Acme.Dispose();
        Partner.Dispose();
        _serverCa.Dispose();
    }
}
