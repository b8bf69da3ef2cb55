using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Chat.Shared.Http;

/// <summary>
/// A request the client broke off (it closed or reset the connection mid-body, or gave up
/// waiting) is the client's doing, not a fault of ours: it is logged as a client abort at
/// Information and answered 499 (which nobody reads), not logged as an unhandled exception and
/// counted as a 500. Handled exceptions record no error diagnostics (.NET 10's exception handler).
/// </summary>
internal sealed class ClientAborts(ILogger<ClientAborts> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsClientAbort(http, exception)) return ValueTask.FromResult(false);
        logger.LogInformation("The client aborted {Method} {Path}: {Reason}", http.Request.Method, http.Request.Path, exception.Message);
        if (!http.Response.HasStarted) http.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
        return ValueTask.FromResult(true);
    }

    /// <summary>
    /// Kestrel cancels <c>RequestAborted</c> when the connection resets; when the client only closes its
    /// side, the body read ends early with a 400 <see cref="BadHttpRequestException"/> instead.
    /// </summary>
    private static bool IsClientAbort(HttpContext http, Exception exception) =>
        (http.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        || exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } bad
            && bad.Message.Contains("Unexpected end of request content", StringComparison.Ordinal);
}
