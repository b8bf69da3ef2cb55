using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>Sessions (issue 24): listed, ended at once on REST and the WebSocket, capped, and a password change ends the others.</summary>
public sealed class SessionTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private ChatServer Server => fixture.Server;

    private sealed record SignIn(string AccessToken, string RefreshToken, string SessionId);

    private async Task<SignIn> SignInAsync(string username, string password = ApiClient.Password, string agent = "SessionTests")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/auth/token")
        {
            Content = JsonContent.Create(new { grant_type = "password", username, password }),
        };
        request.Headers.UserAgent.ParseAdd(agent);
        var body = await ApiClient.ExpectAsync(await Server.Client().Http.SendAsync(request), HttpStatusCode.OK);
        var access = body["access_token"]!.GetValue<string>();
        var current = (await ListAsync(access)).Single(s => s!["current"]!.GetValue<bool>())!;
        return new SignIn(access, body["refresh_token"]!.GetValue<string>(), current["session_id"]!.GetValue<string>());
    }

    private HttpClient As(string accessToken) =>
        new() { BaseAddress = Server.BaseAddress, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", accessToken) } };

    private async Task<JsonArray> ListAsync(string accessToken)
    {
        using var http = As(accessToken);
        return (await ApiClient.ExpectAsync(await http.GetAsync("/v1/sessions"), HttpStatusCode.OK))["items"]!.AsArray();
    }

    private async Task<HttpStatusCode> RestAsync(string accessToken)
    {
        using var http = As(accessToken);
        return (await http.GetAsync("/v1/conversations")).StatusCode;
    }

    private async Task<HttpStatusCode> RefreshAsync(string refreshToken) =>
        (await Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "refresh_token", refresh_token = refreshToken })).StatusCode;

    [Fact]
    public async Task Ending_a_session_refuses_its_refresh_and_access_tokens_at_once_on_rest_and_websocket_and_leaves_the_other()
    {
        await Server.Client().SignUpAsync("sesann");
        var phone = await SignInAsync("sesann", agent: "Phone/1.0");
        var laptop = await SignInAsync("sesann", agent: "Laptop/2.0");
        await (await ChatSocket.ConnectAsync(Server.BaseAddress, phone.AccessToken)).DisposeAsync();

        var listed = await ListAsync(laptop.AccessToken);
        var phoneEntry = listed.Single(s => s!["session_id"]!.GetValue<string>() == phone.SessionId)!;
        Assert.Equal("Phone/1.0", phoneEntry["user_agent"]!.GetValue<string>());
        Assert.False(phoneEntry["current"]!.GetValue<bool>());
        Assert.NotNull(phoneEntry["address"]);
        Assert.NotNull(phoneEntry["last_used_at"]);

        using (var laptopHttp = As(laptop.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await laptopHttp.DeleteAsync($"/v1/sessions/{phone.SessionId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await laptopHttp.DeleteAsync($"/v1/sessions/{phone.SessionId}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await RestAsync(phone.AccessToken));
        var upgrade = await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(Server.BaseAddress, phone.AccessToken));
        Assert.Equal(401, upgrade.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(phone.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, await RestAsync(laptop.AccessToken));
        var left = (await ListAsync(laptop.AccessToken)).Select(s => s!["session_id"]!.GetValue<string>()).ToList();
        Assert.Contains(laptop.SessionId, left);
        Assert.DoesNotContain(phone.SessionId, left);
        await (await ChatSocket.ConnectAsync(Server.BaseAddress, laptop.AccessToken)).DisposeAsync();
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(laptop.RefreshToken));
    }

    [Fact]
    public async Task A_session_id_of_another_user_is_not_found_and_stays_alive()
    {
        await Server.Client().SignUpAsync("sesbea");
        await Server.Client().SignUpAsync("sescid");
        var bea = await SignInAsync("sesbea");
        var cid = await SignInAsync("sescid");
        using var http = As(cid.AccessToken);
        var refused = await http.DeleteAsync($"/v1/sessions/{bea.SessionId}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("session_id", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await RestAsync(bea.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await RefreshAsync(bea.RefreshToken));
    }

    [Fact]
    public async Task The_eleventh_sign_in_ends_the_first_session()
    {
        await Server.Client().SignUpAsync("seseve"); // its own sign-in is the first session
        var sessions = new List<SignIn>();
        for (var i = 0; i < 11; i++) sessions.Add(await SignInAsync("seseve"));

        var listed = (await ListAsync(sessions[^1].AccessToken)).Select(s => s!["session_id"]!.GetValue<string>()).ToList();
        Assert.Equal(sessions.Skip(1).Select(s => s.SessionId), listed);
        Assert.Equal(HttpStatusCode.Unauthorized, await RestAsync(sessions[0].AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(sessions[0].RefreshToken));
        Assert.Equal(HttpStatusCode.OK, await RestAsync(sessions[1].AccessToken));
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_keeps_the_current_one_and_the_new_password_signs_in()
    {
        await Server.Client().SignUpAsync("sesfay");
        var here = await SignInAsync("sesfay");
        var there = await SignInAsync("sesfay");
        using var http = As(here.AccessToken);

        var wrong = await http.PutAsJsonAsync("/v1/users/me/password", new { current_password = "not the password at all", new_password = "amber kettle river 9" });
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("current_password", await wrong.Content.ReadAsStringAsync());
        var weak = await http.PutAsJsonAsync("/v1/users/me/password", new { current_password = ApiClient.Password, new_password = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.Contains("new_password", await weak.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await RestAsync(there.AccessToken));

        Assert.Equal(HttpStatusCode.NoContent,
            (await http.PutAsJsonAsync("/v1/users/me/password", new { current_password = ApiClient.Password, new_password = "amber kettle river 9" })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await RestAsync(there.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await RefreshAsync(there.RefreshToken));
        await Assert.ThrowsAsync<WebSocketRefusedException>(() => ChatSocket.ConnectAsync(Server.BaseAddress, there.AccessToken));
        Assert.Equal(HttpStatusCode.OK, await RestAsync(here.AccessToken));
        // The sign-up's own session was another one: it ended too.
        Assert.Equal([here.SessionId], (await ListAsync(here.AccessToken)).Select(s => s!["session_id"]!.GetValue<string>()));

        var oldPassword = await Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = "sesfay", password = ApiClient.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        await SignInAsync("sesfay", "amber kettle river 9");
    }
}
