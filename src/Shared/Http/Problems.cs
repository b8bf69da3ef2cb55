using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Shared.Http;

/// <summary>RFC 9457 problem details that name the field and the rule that was broken.</summary>
public static class Problems
{
    public static ProblemHttpResult Invalid(string field, string message) =>
        new ValidationErrors().Add(field, message).ToProblem();

    public static ProblemHttpResult Status(int status, string title, string detail, string? field = null)
    {
        var extensions = field is null
            ? null
            : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } };
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }

    public static ProblemHttpResult NotFound(string detail, string? field = null) => Status(StatusCodes.Status404NotFound, "Not found", detail, field);

    public static ProblemHttpResult Forbidden(string detail, string? field = null) => Status(StatusCodes.Status403Forbidden, "Forbidden", detail, field);

    public static ProblemHttpResult Conflict(string detail, string? field = null) => Status(StatusCodes.Status409Conflict, "Conflict", detail, field);

    /// <summary>The answer to a handler's refusal; the kinds that may be retried also set Retry-After on <paramref name="response"/>.</summary>
    public static ProblemHttpResult ToProblem(this Refusal why, HttpResponse response)
    {
        switch (why)
        {
            case Refusal.Invalid invalid:
                return invalid.Errors.ToProblem();
            case Refusal.NotFound notFound:
                return NotFound(notFound.Detail, notFound.Field);
            case Refusal.Forbidden forbidden:
                return Forbidden(forbidden.Detail, forbidden.Field);
            case Refusal.Conflict conflict:
                return Conflict(conflict.Detail, conflict.Field);
            case Refusal.Mismatch mismatch:
                return Status(StatusCodes.Status422UnprocessableEntity, mismatch.Title, mismatch.Detail, mismatch.Field);
            case Refusal.BadCredentials bad:
                return Status(StatusCodes.Status401Unauthorized, "Invalid credentials", bad.Detail, bad.Field);
            case Refusal.Throttled throttled:
                response.Headers.RetryAfter = Seconds(throttled.RetryAfter);
                return Status(StatusCodes.Status429TooManyRequests, "Too many failed logins", throttled.Detail);
            case Refusal.RateLimited limited:
                return RateLimited(limited, response);
            case Refusal.Unavailable unavailable:
                response.Headers.RetryAfter = Seconds(unavailable.RetryAfter);
                return Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable", unavailable.Detail);
            default:
                throw new ArgumentOutOfRangeException(nameof(why), why, "A refusal with no answer.");
        }
    }

    /// <summary>The refusal in words, where there is no HTTP answer to carry it (a frame, a webhook, a log).</summary>
    public static string Describe(this Refusal why) => why switch
    {
        Refusal.Invalid invalid => invalid.Errors.Summary,
        Refusal.NotFound r => r.Detail,
        Refusal.Forbidden r => r.Detail,
        Refusal.Conflict r => r.Detail,
        Refusal.Mismatch r => r.Detail,
        Refusal.BadCredentials r => r.Detail,
        Refusal.Throttled r => r.Detail,
        Refusal.RateLimited r => r.Detail,
        Refusal.Unavailable r => r.Detail,
        _ => why.ToString(),
    };
    /// <summary>429 with Retry-After and the RateLimit-* headers (the one scheme the gateway speaks too); the body names the limit.</summary>
    private static ProblemHttpResult RateLimited(Refusal.RateLimited limited, HttpResponse response)
    {
        // At least a second: the window may end within this one.
        var reset = Seconds(TimeSpan.FromSeconds(Math.Max(1, limited.Decision.Reset.TotalSeconds)));
        response.Headers.RetryAfter = reset;
        response.Headers["RateLimit-Limit"] = limited.Decision.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Remaining"] = limited.Decision.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["RateLimit-Reset"] = reset;
        return TypedResults.Problem(limited.Detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            extensions: new Dictionary<string, object?>
            {
                ["limit"] = limited.Limit,
                ["errors"] = new Dictionary<string, string[]> { [limited.Field] = [limited.Detail] },
            });
    }

    /// <summary>A result's own answer, or the refusal's problem detail.</summary>
    public static Results<TResult, ProblemHttpResult> ToResult<T, TResult>(this Outcome<T> outcome, HttpResponse response, Func<T, TResult> done)
        where TResult : IResult
    {
        return outcome switch
        {
            Outcome<T>.Done result => done(result.Value),
            Outcome<T>.Refused refused => refused.Why.ToProblem(response),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "An outcome neither done nor refused."),
        };
    }

    /// <summary>Whole seconds, rounded up: Retry-After takes no fractions.</summary>
    private static string Seconds(TimeSpan wait) => Math.Ceiling(wait.TotalSeconds).ToString("0");
}

/// <summary>Collects field errors; the request is answered with all of them at once.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = [];

    public bool Any => _errors.Count > 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>Every broken rule in one line for humans: <c>field: message; …</c>.</summary>
    public string Summary => string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    /// <summary>400 with <c>errors</c> {field: [messages]}; the detail repeats them in one line for humans.</summary>
    public ProblemHttpResult ToProblem()
    {
        var errors = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        return TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = Summary,
        });
    }
}
