using System.Collections.Concurrent;
using System.Net;

namespace Mandate.Client;

/// <summary>
/// Gives an MCP client Mandate credentials with no code of its own: put it under the <see cref="HttpClient"/> the
/// C# MCP SDK's <c>HttpClientTransport</c> uses. Each request gets a credential from the run for the MCP server's
/// resource (cached until shortly before expiry), with the scopes of the tool it calls; a 401/403 challenge naming
/// <c>scope</c> (<c>Bearer</c>, or <c>DPoP</c> for a DPoP-bound credential) is answered once by stepping up (MCP authorization, "step-up authorization flow"). Tokens are never logged.
/// </summary>
public sealed class MandateMcpCredentialHandler : DelegatingHandler
{
    private const string NoTool = "";
    private readonly MandateRun _run;
    private readonly MandateMcpCredentialOptions _options;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _steppedUp = new(StringComparer.Ordinal);

    /// <param name="run">The run the agent's MCP calls belong to.</param>
    /// <param name="options">The MCP server's resource and the scopes to ask for.</param>
    public MandateMcpCredentialHandler(MandateRun run, MandateMcpCredentialOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Resource);
        if (options.Scopes is not { Count: > 0 })
        {
            throw new ArgumentException("name at least one scope every request needs (e.g. the read scope for tools/list)", nameof(options));
        }

        _run = run;
        _options = options;
    }

    /// <summary>Attaches the credential for this request's tool; steps up once on a scope challenge.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Content is not null)
        {
            // A retry sends the same body again.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var tool = await McpCallTarget.ToolAsync(request, cancellationToken) ?? NoTool;
        var scopes = ScopesFor(tool);
        var credential = await _run.GetIssuedCredentialAsync(_options.Resource, scopes, cancellationToken);
        CredentialAttachment.Apply(request, credential, _run);
        var response = await base.SendAsync(request, cancellationToken);
        CredentialAttachment.RememberNonce(request, response, credential, _run);
        // RFC 9449 §7.1: a DPoP-bound credential is challenged under the DPoP scheme with RFC 6750 §3's parameters.
        if (!_options.StepUp || response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            || AuthChallenge.For(response, credential) is not { } challenge)
        {
            return response;
        }

        var wanted = scopes.Union(challenge.Scopes, StringComparer.Ordinal).ToList();
        var expired = response.StatusCode == HttpStatusCode.Unauthorized && challenge.Error == "invalid_token";
        if (wanted.Count == scopes.Count && !expired)
        {
            // Nothing more to ask for: the refusal stands.
            return response;
        }

        if (wanted.Count == scopes.Count)
        {
            // Revoked or expired early: the cached credential is useless; one fresh exchange.
            _run.Forget(_options.Resource, scopes);
        }

        IssuedCredential stepped;
        try
        {
            stepped = await _run.GetIssuedCredentialAsync(_options.Resource, wanted, cancellationToken);
        }
        catch (MandateErrorException)
        {
            // The broker will not grant more: the server's refusal is the answer the MCP client should see.
            return response;
        }

        response.Dispose();
        _steppedUp[tool] = wanted;
        CredentialAttachment.Apply(request, stepped, _run);
        var retried = await base.SendAsync(request, cancellationToken);
        CredentialAttachment.RememberNonce(request, retried, stepped, _run);
        return retried;
    }

    /// <summary>The base scopes, the tool's, and what an earlier challenge for this tool taught.</summary>
    private List<string> ScopesFor(string tool)
    {
        IEnumerable<string> scopes = _options.Scopes;
        if (tool.Length > 0 && _options.ToolScopes.TryGetValue(tool, out var toolScopes))
        {
            scopes = scopes.Union(toolScopes, StringComparer.Ordinal);
        }

        if (_steppedUp.TryGetValue(tool, out var learned))
        {
            scopes = scopes.Union(learned, StringComparer.Ordinal);
        }

        return scopes.Distinct(StringComparer.Ordinal).ToList();
    }
}
