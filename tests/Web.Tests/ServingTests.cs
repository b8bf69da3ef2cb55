using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json.Nodes;

namespace Chat.Web.Tests;

/// <summary>What the client stands on, over plain HTTP: the page and its policy, the refresh cookie and socket tickets.</summary>
[Collection(WebCollection.Name)]
public sealed class ServingTests(WebFixture fixture)
{
    private const string PagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static HttpClient Http(Uri address) =>
        new(new SocketsHttpHandler { UseCookies = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } }) { BaseAddress = address };

    [SkippableFact]
    public async Task The_page_and_its_files_are_served_without_a_token_with_the_same_policy_by_the_Host_and_the_gateway()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        foreach (var address in new[] { fixture.Server.BaseAddress, fixture.Gateway })
        {
            using var http = Http(address);
            foreach (var path in new[] { "/", "/client/app.js", "/client/app.css" })
            {
                var answer = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                Assert.Equal(PagePolicy, Assert.Single(answer.Headers.GetValues("Content-Security-Policy")));
            }
            Assert.Contains("<script type=\"module\" src=\"/client/app.js\">", await http.GetStringAsync("/"));
            // The API keeps its own, stricter policy at the gateway.
            var api = await http.GetAsync("/v1/conversations");
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            if (address == fixture.Gateway) Assert.Equal("default-src 'none'; frame-ancestors 'none'", Assert.Single(api.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [SkippableFact]
    public async Task The_refresh_cookie_rotates_is_secure_behind_TLS_and_logout_deletes_and_revokes_it()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var name = People.NewName("carol");
        await fixture.Server.Client().SignUpAsync(name);
        foreach (var (address, secure) in new[] { (fixture.Server.BaseAddress, false), (fixture.Gateway, true) })
        {
            using var http = Http(address);
            var login = await http.PostAsJsonAsync("/v1/auth/token", new { grant_type = "password", username = name, password = ApiClient.Password, refresh_cookie = true });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Null((await login.Content.ReadFromJsonAsync<JsonNode>())!["refresh_token"]);
            var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie);
            Assert.Contains("samesite=strict", cookie);
            Assert.Contains("path=/v1/auth", cookie);
            Assert.Equal(secure, cookie.Contains("secure;") || cookie.EndsWith("secure"));
            var first = cookie.Split(';')[0];

            var refreshed = await SendAsync(http, "/v1/auth/token", new { grant_type = "refresh_token" }, first);
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            var second = Assert.Single(refreshed.Headers.GetValues("Set-Cookie")).Split(';')[0];
            Assert.NotEqual(first, second);

            var logout = await SendAsync(http, "/v1/auth/logout", new { }, second);
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
            Assert.StartsWith("chat_refresh=;", Assert.Single(logout.Headers.GetValues("Set-Cookie")));
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "/v1/auth/token", new { grant_type = "refresh_token" }, second)).StatusCode);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, object body, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Cookie", cookie);
        return http.SendAsync(request);
    }

    [SkippableFact]
    public async Task A_socket_ticket_opens_one_socket_and_is_refused_after()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        var user = await fixture.Server.Client().SignUpAsync(People.NewName("dave"));
        var answer = await ApiClient.ExpectAsync(await user.Http.PostAsync("/v1/ws/ticket", null), HttpStatusCode.OK);
        var ticket = answer["ticket"]!.GetValue<string>();
        Assert.Equal(30, answer["expires_in"]!.GetValue<int>());
        var url = new Uri($"ws://127.0.0.1:{fixture.Server.BaseAddress.Port}/v1/ws?ticket={Uri.EscapeDataString(ticket)}");

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(url, CancellationToken.None);
            await socket.SendAsync("""{"type":"ping"}"""u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[4096];
            var read = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Contains("pong", System.Text.Encoding.UTF8.GetString(buffer, 0, read.Count));
        }
        using var again = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
        await Assert.ThrowsAsync<WebSocketException>(() => again.ConnectAsync(url, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, again.HttpStatusCode);

        using var anonymous = Http(fixture.Server.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/ws/ticket", null)).StatusCode);
    }
}
