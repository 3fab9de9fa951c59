namespace Mandate.Client;

/// <summary>
/// Attaches the run's credential for one tool to every outgoing request, so tool wrappers never see or
/// store a credential. Use one handler (one HttpClient) per tool per run. A DPoP-bound credential is sent
/// as <c>Authorization: DPoP</c> with a fresh proof for that request (RFC 9449 §7.1); others as <c>Bearer</c>.
/// </summary>
public sealed class MandateCredentialHandler : DelegatingHandler
{
    private readonly MandateRun _run;
    private readonly string _tool;
    private readonly IReadOnlyList<string> _scopes;

    /// <param name="run">The run the calls belong to.</param>
    /// <param name="tool">The tool's resource URI or name.</param>
    /// <param name="scopes">The operations calls through this client need.</param>
    public MandateCredentialHandler(MandateRun run, string tool, IReadOnlyList<string> scopes)
    {
        _run = run;
        _tool = tool;
        _scopes = scopes;
    }

    /// <summary>Sets <c>Authorization</c> (and for DPoP-bound credentials the <c>DPoP</c> proof), then sends.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var credential = await _run.GetIssuedCredentialAsync(_tool, _scopes, cancellationToken);
        CredentialAttachment.Apply(request, credential, _run);
        return await base.SendAsync(request, cancellationToken);
    }
}
