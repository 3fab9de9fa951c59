namespace Mandate.ResourceServer;

/// <summary>A request the gate answers itself: HTTP status, JSON-RPC error code and message, and the request's id if it had one.</summary>
internal sealed class McpRequestRefusal : Exception
{
    public McpRequestRefusal(int status, int code, string message, string? rawId = null)
        : base(message)
    {
        Status = status;
        Code = code;
        RawId = rawId;
    }

    public McpRequestRefusal()
        : this(400, MandateMcpErrorCodes.InvalidRequest, "Invalid Request")
    {
    }

    public McpRequestRefusal(string message)
        : this(400, MandateMcpErrorCodes.InvalidRequest, message)
    {
    }

    public McpRequestRefusal(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Code = MandateMcpErrorCodes.InvalidRequest;
    }

    public int Status { get; }

    public int Code { get; }

    public string? RawId { get; }
}
