using System.Diagnostics;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>The agent's side of a trace: a trace and span id of its own, sent as a W3C <c>traceparent</c>.</summary>
/// <remarks>
/// The agent runs in the broker's process here, where the broker's HttpClient instrumentation would put its own
/// trace context on the request; the agent's client propagates nothing, so the header is exactly the agent's.
/// </remarks>
internal sealed class TracedAgent : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ActivityHeadersPropagator = null });

    public ActivityTraceId TraceId { get; } = ActivityTraceId.CreateRandom();

    public ActivitySpanId SpanId { get; } = ActivitySpanId.CreateRandom();

    public string TraceParent => $"00-{TraceId.ToHexString()}-{SpanId.ToHexString()}-01";

    /// <summary>POSTs <paramref name="form"/> to <paramref name="path"/> under the agent's trace.</summary>
    public async Task<OAuthReply> PostFormAsync(BrokerHarness broker, string path, IEnumerable<KeyValuePair<string, string>> form, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(broker.App.BaseAddress, path)) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("traceparent", TraceParent);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await _http.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    /// <summary>Sends <paramref name="request"/> under the agent's trace.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.Add("traceparent", TraceParent);
        return _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();
}
