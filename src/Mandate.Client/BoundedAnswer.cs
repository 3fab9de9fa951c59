namespace Mandate.Client;

/// <summary>
/// Sends a request to the broker and buffers at most <see cref="MaxBytes"/> of its answer, within the HttpClient's own
/// timeout: a broker (or something posing as one) that sends an endless or huge body costs the agent neither its
/// memory nor a hang. The returned response's content is the buffered body, readable more than once.
/// </summary>
internal static class BoundedAnswer
{
    /// <summary>The largest answer read: broker answers are a few kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var buffered = false;
        try
        {
            response.Content = await BufferAsync(response, http.Timeout, cancellationToken);
            buffered = true;
            return response;
        }
        finally
        {
            if (!buffered)
            {
                response.Dispose();
            }
        }
    }

    private static async Task<ByteArrayContent> BufferAsync(HttpResponseMessage response, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var original = response.Content;
        if (original.Headers.ContentLength > MaxBytes)
        {
            throw TooLarge(response);
        }

        // ResponseHeadersRead ends the HttpClient's timeout at the headers; the body gets the same bound.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        using var body = new MemoryStream();
        try
        {
            await using var stream = await original.ReadAsStreamAsync(deadline.Token);
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (body.Length + read > MaxBytes)
                {
                    throw TooLarge(response);
                }

                body.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException($"the broker did not finish its answer within the HttpClient's timeout of {timeout.TotalSeconds:0.###} s", new TimeoutException(e.Message, e));
        }

        var content = new ByteArrayContent(body.ToArray());
        foreach (var header in original.Headers.Where(h => !h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        original.Dispose();
        return content;
    }

    private static MandateErrorException TooLarge(HttpResponseMessage response) =>
        new("invalid_response", $"the broker's answer (HTTP {(int)response.StatusCode}) is larger than {MaxBytes / 1024} KiB, far more than any token, introspection or revocation answer; check that BaseAddress points at the broker", (int)response.StatusCode);
}
