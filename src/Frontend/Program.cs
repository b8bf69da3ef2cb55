using Chat.Frontend;
using Chat.Shared.Http;
using Chat.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddFrontend();
// Behind the gateway, the Frontend also serves the browser client (nginx routes / and /client/ here).
builder.AddWebClient();

var app = builder.Build();
app.UseWebClient();
app.UseServiceDefaults();
app.MapFrontend();
app.RunOrExplain();
