using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Chat.Notifications.Storage;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Notifications;

public sealed record SubscriptionKeys(string? P256dh, string? Auth);
public sealed record WebPushSubscription(string? Endpoint, SubscriptionKeys? Keys);
public sealed record PutDeviceRequest(string? Platform, WebPushSubscription? Subscription, string? Token);
public sealed record DeviceResponse(string DeviceId, string Platform, string? Endpoint, DateTimeOffset CreatedAt);
public sealed record DeviceList(IReadOnlyList<DeviceResponse> Items);
public sealed record MuteRequest(DateTimeOffset? Until);
public sealed record MuteResponse(string ConversationId, DateTimeOffset? Until);
public sealed record NotificationSettings(bool? Previews);
public sealed record VapidPublicKey(string PublicKey);

/// <summary>docs/api.md, "Notifications". A signed-in user's own devices and preferences; integrator clients have none.</summary>
public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/v1/devices").WithTags("Notifications").ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        devices.MapPut("/{deviceId}", PutDevice).DescribeBody<PutDeviceRequest>(
            """{"platform":"webpush","subscription":{"endpoint":"https://push.example.net/send/abc","keys":{"p256dh":"BNc...","auth":"tBH..."}}}""");
        devices.MapGet("/", ListDevices);
        devices.MapDelete("/{deviceId}", DeleteDevice).ProducesProblems(StatusCodes.Status404NotFound);

        var mute = app.MapGroup("/v1/conversations/{conversationId}/mute").WithTags("Notifications")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        mute.MapPut("/", Mute).DescribeBody<MuteRequest>("""{"until":"2026-12-24T18:00:00Z"}""").ProducesProblems(StatusCodes.Status404NotFound);
        mute.MapDelete("/", Unmute).ProducesProblems(StatusCodes.Status404NotFound);
        app.MapNotificationLevels();

        var settings = app.MapGroup("/v1/notifications/settings").WithTags("Notifications")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        settings.MapGet("/", GetSettings);
        settings.MapPut("/", PutSettings).DescribeBody<NotificationSettings>("""{"previews":false}""");

        app.MapGet("/v1/push/vapid-public-key", (VapidKeys keys) => TypedResults.Ok(new VapidPublicKey(keys.PublicKey))).AllowAnonymous().WithTags("Notifications");
        return app;
    }

    private static async Task<Results<Ok<DeviceResponse>, ProblemHttpResult>> PutDevice(
        string deviceId, HttpContext http, DeviceRules rules, DevicesHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, NotificationsJsonContext.Default.PutDeviceRequest);
        if (problem is not null) return problem;
        var errors = await rules.CheckAsync(deviceId, body!, ct);
        if (errors.Any) return errors.ToProblem();
        return (await handler.PutAsync(http.User, deviceId, body!, ct)).ToResult(http.Response, d => TypedResults.Ok(Response(d)));
    }

    private static async Task<Results<Ok<DeviceList>, ProblemHttpResult>> ListDevices(HttpContext http, DevicesHandler handler, CancellationToken ct) =>
        (await handler.ListAsync(http.User, ct)).ToResult(http.Response, list => TypedResults.Ok(new DeviceList(list.Select(Response).ToList())));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteDevice(string deviceId, HttpContext http, DevicesHandler handler, CancellationToken ct) =>
        (await handler.DeleteAsync(http.User, deviceId, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static async Task<Results<Ok<MuteResponse>, ProblemHttpResult>> Mute(string conversationId, HttpContext http, PreferencesHandler handler, CancellationToken ct)
    {
        // The body is optional (none mutes for ever); one that is sent names "until": a time, or null for ever.
        DateTimeOffset? until = null;
        if (http.Request.ContentLength > 0 || http.Request.ContentType is not null)
        {
            var (body, problem) = await JsonBody.ReadAsync(http.Request, NotificationsJsonContext.Default.JsonObject);
            if (problem is not null) return problem;
            if (!body!.TryGetPropertyValue("until", out var value))
                return Problems.Invalid("until", "Is required in a body: a time in the future, or null to mute for ever (or send no body).");
            if (value is not null)
            {
                if (value.GetValueKind() != JsonValueKind.String || !DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal, out var time))
                    return Problems.Invalid("until", "Must be a time (ISO 8601, e.g. 2026-12-24T18:00:00Z) or null.");
                until = time;
            }
        }
        return (await handler.MuteAsync(http.User, conversationId, until, ct)).ToResult(http.Response, m => TypedResults.Ok(new MuteResponse(m.ConversationId, m.Until)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Unmute(string conversationId, HttpContext http, PreferencesHandler handler, CancellationToken ct) =>
        (await handler.UnmuteAsync(http.User, conversationId, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static async Task<Results<Ok<NotificationSettings>, ProblemHttpResult>> GetSettings(HttpContext http, PreferencesHandler handler, CancellationToken ct) =>
        (await handler.PreviewsAsync(http.User, ct)).ToResult(http.Response, on => TypedResults.Ok(new NotificationSettings(on)));

    private static async Task<Results<Ok<NotificationSettings>, ProblemHttpResult>> PutSettings(HttpContext http, PreferencesHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, NotificationsJsonContext.Default.NotificationSettings);
        if (problem is not null) return problem;
        if (body!.Previews is not { } previews) return Problems.Invalid("previews", "Is required: true or false.");
        return (await handler.SetPreviewsAsync(http.User, previews, ct)).ToResult(http.Response, on => TypedResults.Ok(new NotificationSettings(on)));
    }

    private static DeviceResponse Response(Device d) => new(d.DeviceId, d.Platform, d.Endpoint, d.CreatedAt);

    /// <summary>The session of the request's token: the refresh-token family it was minted in (Auth's <c>sid</c> claim).</summary>
    internal static string? SessionOf(ClaimsPrincipal user) => user.FindFirstValue("sid");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutDeviceRequest))]
[JsonSerializable(typeof(DeviceResponse))]
[JsonSerializable(typeof(DeviceList))]
[JsonSerializable(typeof(MuteRequest))]
[JsonSerializable(typeof(MuteResponse))]
[JsonSerializable(typeof(NotificationSettings))]
[JsonSerializable(typeof(VapidPublicKey))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
