using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Mandate.Server.Tests.Harness;

/// <summary>Requests built byte by byte: any method, any content type, any body, with or without a length.</summary>
internal static class RawRequests
{
    public static string ValidExchangeBody(BrokerHarness broker) =>
        string.Join('&', broker.RefundRequest().ToForm().Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    public static Task<OAuthReply> PostAsync(BrokerHarness broker, string path, string body, string? contentType = "application/x-www-form-urlencoded") =>
        SendAsync(broker, HttpMethod.Post, path, Encoding.UTF8.GetBytes(body), contentType);

    public static async Task<OAuthReply> SendAsync(
        BrokerHarness broker, HttpMethod method, string path, byte[]? body, string? contentType, bool chunked = false, string? authorization = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = chunked ? new UnknownLengthContent(body) : new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await broker.SendAsync(request);
    }

    /// <summary>A body whose length is not announced, so it goes out with Transfer-Encoding: chunked.</summary>
    private sealed class UnknownLengthContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
