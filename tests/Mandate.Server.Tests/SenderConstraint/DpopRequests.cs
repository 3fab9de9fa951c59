using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>Token requests carrying a DPoP header.</summary>
internal static class DpopRequests
{
    public static async Task<OAuthReply> ExchangeAsync(BrokerHarness broker, ExchangeRequest exchange, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(exchange.ToForm()) };
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await broker.SendAsync(request);
    }
}
