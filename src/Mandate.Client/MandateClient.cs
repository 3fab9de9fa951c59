using System.Net.Http.Headers;
using System.Text.Json;

namespace Mandate.Client;

/// <summary>
/// Talks to a Mandate broker's OAuth endpoints: exchange (RFC 8693), introspect (RFC 7662) and
/// revoke (RFC 7009). Holds no credentials itself; callers pass identities per call.
/// </summary>
public sealed partial class MandateClient
{
    internal const string TxnTokenType = "urn:ietf:params:oauth:token-type:txn_token";
    internal const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";
    internal const string TokenPath = "oauth2/token";
    internal const string ExchangeGrantType = "urn:ietf:params:oauth:grant-type:token-exchange";
    private readonly HttpClient _http;
    private readonly IWorkloadIdentitySource? _identity;
    private readonly TimeProvider _time;

    /// <param name="http">An HttpClient whose BaseAddress is the broker, e.g. http://127.0.0.1:8080/.</param>
    public MandateClient(HttpClient http)
        : this(http, new MandateClientOptions())
    {
    }

    /// <param name="http">An HttpClient whose BaseAddress is the broker.</param>
    /// <param name="identity">This agent's workload identity, for runs.</param>
    /// <param name="time">The clock used to refresh cached tokens; default the system clock.</param>
    public MandateClient(HttpClient http, IWorkloadIdentitySource? identity, TimeProvider? time = null)
        : this(http, new MandateClientOptions { Identity = identity, Time = time })
    {
    }

    /// <param name="http">An HttpClient whose BaseAddress is the broker.</param>
    /// <param name="options">Identity, clock and (opt-in) DPoP key.</param>
    public MandateClient(HttpClient http, MandateClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _identity = options.Identity;
        _time = options.Time ?? TimeProvider.System;
        Dpop = options.DpopKey is null ? null : new DpopSession(options.DpopKey, _time, options.TokenEndpoint);
    }

    /// <summary>The DPoP state when a <see cref="MandateClientOptions.DpopKey"/> is set; null for bearer clients.</summary>
    internal DpopSession? Dpop { get; }

    /// <summary>
    /// Starts a run for a user (or, with <paramref name="userToken"/> null, background work that policy
    /// allows) that may use at most <paramref name="scopes"/>. Dispose the run to end it.
    /// </summary>
    public async Task<MandateRun> StartRunAsync(string? userToken, IReadOnlyList<string> scopes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var identity = _identity ?? throw new InvalidOperationException("construct MandateClient with an IWorkloadIdentitySource to start runs");
        var actor = await identity.GetTokenAsync(cancellationToken);
        var runToken = await PostTokenAsync(
        [
            new("subject_token", userToken ?? actor),
            new("subject_token_type", JwtTokenType),
            new("actor_token", actor),
            new("actor_token_type", JwtTokenType),
            new("requested_token_type", TxnTokenType),
            new("scope", ScopeParameter.Join(scopes)),
        ], cancellationToken);
        return new MandateRun(this, identity, runToken, _time);
    }

    /// <summary>
    /// Exchanges identities for a tool credential (DPoP-bound when a <see cref="MandateClientOptions.DpopKey"/> is set).
    /// Throws <see cref="MandateErrorException"/> on refusal.</summary>
    public async Task<IssuedCredential> ExchangeAsync(CredentialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new List<KeyValuePair<string, string>>
        {
            new("subject_token", request.SubjectToken),
            new("subject_token_type", JwtTokenType),
            new("actor_token", request.ActorToken),
            new("actor_token_type", JwtTokenType),
            ToolParameter.For(request.Tool),
            new("scope", ScopeParameter.Join(request.Scopes)),
        };
        if (request.Tenant is not null)
        {
            form.Add(new("tenant", request.Tenant));
        }

        if (request.Run is not null)
        {
            form.Add(new("run", request.Run));
        }

        if (request.AuthorizationDetails is not null)
        {
            form.Add(new("authorization_details", request.AuthorizationDetails));
        }

        return await PostTokenAsync(form, cancellationToken);
    }

    internal Task<IssuedCredential> PostTokenAsync(IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken) =>
        SendTokenRequestAsync(ExchangeGrantType, form, exchange: true, cancellationToken);

    /// <summary>
    /// POSTs one token request (with a DPoP proof when the client has a key) and reads the credential. Parameters
    /// without a value are left out (RFC 6749 §3.1: they count as omitted), so none is sent empty or twice.
    /// </summary>
    internal async Task<IssuedCredential> SendTokenRequestAsync(string grantType, IEnumerable<KeyValuePair<string, string>> form, bool exchange, CancellationToken cancellationToken)
    {
        var fields = form.Prepend(new("grant_type", grantType)).Where(f => !string.IsNullOrEmpty(f.Value)).ToList();
        using var response = Dpop is null
            ? await PostFormAsync(fields, cancellationToken)
            : await Dpop.PostTokenAsync(_http, fields, cancellationToken);
        RefuseRedirect(response, TokenPath);
        using var json = await ReadAsync(response, cancellationToken);
        var scope = fields.FirstOrDefault(f => f.Key == "scope").Value;
        var issued = TokenResponse.Read(json.RootElement, (int)response.StatusCode, scope, exchange);
        if (Dpop is not null)
        {
            TokenResponse.RefuseDowngrade(issued, (int)response.StatusCode);
        }

        return issued;
    }

    private async Task<HttpResponseMessage> PostFormAsync(IReadOnlyList<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TokenPath) { Content = new FormUrlEncodedContent(fields) };
        return await BoundedAnswer.SendAsync(_http, request, cancellationToken);
    }

    /// <summary>Asks whether <paramref name="token"/> is active; <paramref name="callerToken"/> is the asking tool's workload identity.</summary>
    public async Task<IntrospectionResponse> IntrospectAsync(string token, string callerToken, CancellationToken cancellationToken = default)
    {
        const string path = "oauth2/introspect";
        using var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", callerToken);
        using var response = await BoundedAnswer.SendAsync(_http, message, cancellationToken);
        RefuseRedirect(response, path);
        using var json = await ReadAsync(response, cancellationToken);
        // RFC 7662 §2.2: active is a REQUIRED boolean.
        if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("active", out var active)
            || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new MandateErrorException("invalid_response", "the broker's introspection response has no boolean active (RFC 7662 §2.2)", (int)response.StatusCode);
        }

        return new IntrospectionResponse(active.GetBoolean(), json.RootElement.Clone());
    }

    /// <summary>Revokes <paramref name="token"/>; <paramref name="callerToken"/> is the workload identity of its agent or tool.</summary>
    public async Task RevokeAsync(string token, string callerToken, CancellationToken cancellationToken = default)
    {
        const string path = "oauth2/revoke";
        using var message = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", callerToken);
        using var response = await BoundedAnswer.SendAsync(_http, message, cancellationToken);
        RefuseRedirect(response, path);
        if (!response.IsSuccessStatusCode)
        {
            (await ReadAsync(response, cancellationToken)).Dispose();
        }
    }

    /// <summary>
    /// Only the broker's own address answers: a redirect (followed by the HttpClient or not) is refused, so no credential
    /// from another address is taken, and the refusal says how to stop identity tokens from being re-sent at all.
    /// </summary>
    private void RefuseRedirect(HttpResponseMessage response, string path)
    {
        var status = (int)response.StatusCode;
        var asked = _http.BaseAddress is { } broker ? new Uri(broker, path) : null;
        var answered = response.RequestMessage?.RequestUri;
        if (status is >= 300 and < 400 || (asked is not null && answered is not null && answered != asked))
        {
            throw new MandateErrorException(
                "invalid_response",
                $"the broker at {asked} redirected the request (HTTP {status}{(answered != asked ? ", answered by another address" : "")}); set the HttpClient's BaseAddress to the broker itself and give it a handler with AllowAutoRedirect = false, so identity tokens are never sent on to another address",
                status);
        }
    }

    internal static Task<JsonDocument> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ReadAsync(response, null, cancellationToken);

    /// <param name="response">The broker's answer.</param>
    /// <param name="endpoint">The endpoint asked (e.g. <c>GET /admin/status</c>), named in an <c>invalid_response</c>.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    internal static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string? endpoint, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
        }
        catch (JsonException)
        {
            var asked = endpoint is null ? "" : $" to {endpoint}";
            throw new MandateErrorException("invalid_response", $"the broker answered{asked} HTTP {(int)response.StatusCode} with a body that is not JSON", (int)response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (json)
            {
                throw Refusal(json.RootElement, (int)response.StatusCode);
            }
        }

        return json;
    }

    /// <summary>The refusal in an error answer: OAuth JSON or Problem Details, with its <c>check_id</c>; a pending approval typed.</summary>
    private static MandateErrorException Refusal(JsonElement root, int status)
    {
        string? S(string n) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        int? N(string n) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i > 0 ? i : null;
        var error = S("error") ?? S("title") ?? "http_error";
        var description = S("error_description") ?? S("detail") ?? $"HTTP {status}";
        var checkId = S("check_id");

        // OpenID CIBA §7.3 / §11: the approval's id, the poll interval and its lifetime (interval defaults to 5 s).
        if (error == MandateApprovalPendingException.AuthorizationPending && S("auth_req_id") is { Length: > 0 } authReqId)
        {
            var pending = new ApprovalPending(authReqId, TimeSpan.FromSeconds(N("interval") ?? 5), TimeSpan.FromSeconds(N("expires_in") ?? 0), description);
            return new MandateApprovalPendingException(pending, status, checkId);
        }

        return new MandateErrorException(error, description, status, checkId);
    }
}
