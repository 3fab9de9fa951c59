using System.Net;

namespace Mandate.Server.Proxy;

/// <summary>
/// Stands in for the upstream response's content so the forwarder copies the scrubbed, limited body
/// (<see cref="ScrubbedBodyStream"/>) to the agent instead of the raw one. Headers were copied before it was set.
/// </summary>
internal sealed class ProxyRelayContent(ScrubbedBodyStream body) : HttpContent
{
    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(body);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
        }

        base.Dispose(disposing);
    }
}
