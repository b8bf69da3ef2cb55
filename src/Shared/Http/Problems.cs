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

    /// <summary>400 with <c>errors</c> {field: [messages]}; the detail repeats them in one line for humans.</summary>
    public ProblemHttpResult ToProblem()
    {
        var errors = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
        return TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is invalid.",
            Detail = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
        });
    }
}
