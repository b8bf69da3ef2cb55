using Chat.Shared.Http;

namespace Chat.Shared;

/// <summary>
/// What a use case came to: its result, or why it refused. Handlers return it and know nothing of
/// HTTP; the endpoint answers a result with its own status and a refusal with
/// <see cref="Problems.ToProblem"/>.
/// </summary>
public abstract record Outcome<T>
{
    private Outcome()
    {
    }

    public sealed record Done(T Value) : Outcome<T>;

    public sealed record Refused(Refusal Why) : Outcome<T>;

    public static implicit operator Outcome<T>(T value) => new Done(value);

    public static implicit operator Outcome<T>(Refusal why) => new Refused(why);
}

public static class Outcome
{
    /// <summary>For a result the implicit conversion cannot take (C# converts no interface to a class).</summary>
    public static Outcome<T> Done<T>(T value) => new Outcome<T>.Done(value);
}

/// <summary>
/// Why a request was not done, in words a client developer can act on, naming the request field
/// at fault where there is one. Each kind is one HTTP status (see <see cref="Problems.ToProblem"/>).
/// </summary>
public abstract record Refusal
{
    private Refusal()
    {
    }

    /// <summary>400 with every field at fault: breaks a rule the handler checks, usually against what is stored (a member who is no user).</summary>
    public sealed record Invalid(ValidationErrors Errors) : Refusal
    {
        public Invalid(string field, string detail) : this(new ValidationErrors().Add(field, detail))
        {
        }
    }

    /// <summary>404: nothing the caller may see by that name.</summary>
    public sealed record NotFound(string Field, string Detail) : Refusal;

    /// <summary>403: it exists, but this caller may not do that to it.</summary>
    public sealed record Forbidden(string Field, string Detail) : Refusal;

    /// <summary>409: the stored state does not allow it (the name is taken, nothing was uploaded yet).</summary>
    public sealed record Conflict(string Field, string Detail) : Refusal;

    /// <summary>422: what arrived contradicts what was declared; <paramref name="Title"/> says what does not match.</summary>
    public sealed record Mismatch(string Title, string Field, string Detail) : Refusal;

    /// <summary>401 from a grant: the credentials presented are wrong.</summary>
    public sealed record BadCredentials(string Detail, string? Field = null) : Refusal;

    /// <summary>429: too many failed logins lately; nothing is checked until <paramref name="RetryAfter"/> has passed.</summary>
    public sealed record Throttled(string Detail, TimeSpan RetryAfter) : Refusal;

    /// <summary>
    /// 429: an allowance (<c>Limits:…</c>, named by <paramref name="Limit"/>) is used up; <paramref name="Decision"/>
    /// says how big it is and when it is whole again. <paramref name="Field"/> names whose allowance it is.
    /// </summary>
    public sealed record RateLimited(string Limit, string Field, string Detail, RateLimits.RateDecision Decision) : Refusal;

    /// <summary>503: a dependency cannot take it now and nothing was done; the same request may be repeated after <paramref name="RetryAfter"/>.</summary>
    public sealed record Unavailable(string Detail, TimeSpan RetryAfter) : Refusal;
}
