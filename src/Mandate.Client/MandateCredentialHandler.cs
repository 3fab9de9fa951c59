using System.Net.Http.Headers;

namespace Mandate.Client;

/// <summary>
/// Attaches the run's credential for one tool to every outgoing request, so tool wrappers never see or
/// store a credential. Use one handler (one HttpClient) per tool per run.
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

    /// <summary>Sets <c>Authorization: Bearer</c> to the run's credential for the tool, then sends.</summary>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _run.GetCredentialAsync(_tool, _scopes, cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
