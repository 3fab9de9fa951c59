
namespace Mandate.Server.Tests.Spiffe;

/// <summary>An HttpClient that talks to a Unix socket (the test process itself is then the attested caller).</summary>
internal static class WorkloadSocketClient
{
    public static HttpClient Connect(string socketPath, string host = "localhost")
    {
        return Mandate.Client.UnixSocketHttpClient.Create(socketPath, host);
    }
}
