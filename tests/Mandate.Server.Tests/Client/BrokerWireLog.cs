namespace Mandate.Server.Tests.Client;

/// <summary>
/// Sits between the SDK and the real broker and records what crossed the wire (path, status, whether a DPoP proof
/// was sent), so tests can count token requests and see the nonce retry. It forwards everything unchanged.
/// </summary>
internal sealed class BrokerWireLog : DelegatingHandler
{
    public BrokerWireLog()
        : base(new SocketsHttpHandler())
    {
    }

    public List<(string Path, int Status, string? Proof)> Requests { get; } = [];

    public IEnumerable<(string Path, int Status, string? Proof)> TokenRequests => Requests.Where(r => r.Path == "/oauth2/token");

    public static HttpClient Connect(Uri broker, out BrokerWireLog log)
    {
        log = new BrokerWireLog();
        return new HttpClient(log) { BaseAddress = broker, Timeout = TimeSpan.FromSeconds(30) };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var proof = request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null;
        var response = await base.SendAsync(request, cancellationToken);
        lock (Requests)
        {
            Requests.Add((request.RequestUri!.AbsolutePath, (int)response.StatusCode, proof));
        }

        return response;
    }
}
