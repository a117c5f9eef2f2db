"""Each role's walk through the demo province's main pages, in a real Chromium, at desktop and phone width.

Shared by the journeys test (which asserts on every page) and `make screenshots` (which keeps a picture of
every page for review). A stop is a path, or a list page and the first link of a kind on it ("follow").
"""
import re
from dataclasses import dataclass, field

DEMO_PASSWORD = "lienthong-demo"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}


@dataclass(frozen=True)
class Stop:
    path: str
    follow: str | None = None  # a CSS selector of the link to open from `path`, when there is one
    name: str = ""


@dataclass(frozen=True)
class Journey:
    username: str
    role: str
    stops: tuple[Stop, ...]
    expect: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stop name -> texts on that page
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stop name -> texts never on it


TASK = 'main a[href^="/cong-viec/"]'
DOCUMENT = 'main a[href^="/van-ban/"]'
DOSSIER = 'main td a[href^="/ho-so/"]'

JOURNEYS = (
    Journey("vanthu.snv", "clerk", (
        Stop("/", name="home"), Stop("/viec-cua-toi", name="inbox"), Stop("/viec-cua-toi", TASK, "task"),
        Stop("/van-ban-den", name="incoming"), Stop("/van-ban-den", DOCUMENT, "document"),
        Stop("/so-van-ban/den", name="register"), Stop("/lien-thong/nhan-goi", name="receive-package"),
        Stop("/thong-bao", name="notices"), Stop("/ho-so", name="dossiers"), Stop("/ho-so", DOSSIER, "dossier"),
        Stop("/ho-so/het-thoi-han", name="expired-dossiers")),
        expect={"home": ("Việc của tôi", "Văn bản chờ tiếp nhận, vào sổ", "Sổ văn bản"),
                "register": ("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",)}),
    Journey("lanhdao.snv", "leader", (
        Stop("/", name="home"), Stop("/viec-cua-toi", TASK, "task"), Stop("/van-ban-den/theo-doi", name="dashboard"),
        Stop("/van-ban-den", DOCUMENT, "document"), Stop("/viec-cua-co-quan", name="agency-tasks"),
        Stop("/bao-cao/theo-doi-van-ban-di", name="board"), Stop("/bao-cao/giai-quyet-van-ban-di", name="outgoing-report"),
        Stop("/bao-cao/dinh-ky", name="monthly-reports"), Stop("/ho-so", DOSSIER, "dossier")),
        expect={"home": ("Theo dõi của cơ quan", "Văn bản quá hạn"), "dashboard": ("Chờ phân công",)}),
    Journey("truongphong.snv", "unit head", (
        Stop("/", name="home"), Stop("/viec-cua-toi", TASK, "task"), Stop("/van-ban-den", name="incoming"))),
    Journey("chuyenvien.snv", "specialist", (
        Stop("/", name="home"), Stop("/viec-cua-toi", name="inbox"), Stop("/viec-cua-toi", TASK, "task"),
        Stop("/van-ban-den", DOCUMENT, "document"), Stop("/du-thao", name="drafts"), Stop("/thong-bao", name="notices"),
        Stop("/tai-khoan/thong-bao-email", name="email-preferences")),
        # Registers are for those who keep or oversee them: no button that leads to a refusal.
        absent={"home": ("Sổ văn bản", "Theo dõi của cơ quan"), "inbox": ("Sổ văn bản",)}),
    Journey("vanthu.ubnd", "clerk (outgoing)", (
        Stop("/", name="home"), Stop("/van-ban-di", name="outgoing"), Stop("/van-ban-di", DOCUMENT, "released"),
        Stop("/so-van-ban/di", name="register"), Stop("/lien-thong/gui-loi", name="failed"))),
    Journey("thietke", "designer", (
        Stop("/", name="home"), Stop("/thiet-ke", name="processes"),
        Stop("/thiet-ke", 'main a[href^="/thiet-ke/"][href$="/phien-ban"]', "versions")),
        expect={"home": ("Thiết kế quy trình", "Lần chạy thử gần đây của tôi")}, absent={"home": ("Sổ văn bản",)}),
    Journey("kiemtoan", "auditor", (
        Stop("/", name="home"), Stop("/kiem-toan", name="audit"), Stop("/kiem-toan/ho-so", name="cases"),
        Stop("/kiem-toan/ho-so", 'main a[href^="/kiem-toan/ho-so/"]', "case"), Stop("/so-van-ban/den", name="register")),
        expect={"home": ("Kiểm toán", "Sổ văn bản")}),
    Journey("quantri", "admin", (
        Stop("/", name="home"), Stop("/quan-tri/co-quan", name="agencies"), Stop("/quan-tri/nguoi-dung", name="users"),
        Stop("/quan-tri/con-dau-so", name="seals"), Stop("/quan-tri/thoi-han-bao-quan", name="retention-periods")),
        expect={"home": ("Quản trị",)}, absent={"home": ("Sổ văn bản",)}),
)

# What must never reach a person: engine internals, Python values, English library errors.
RAW = re.compile(r"Traceback|SpiffWorkflow|<built-in|\{'|\bNone\b|\bTrue\b|\bFalse\b|is required|"
                 r"lead_department_id|documents\.register|remind_before_deadline|Internal Server Error")


def sign_out(page) -> None:
    """Forget the session. Leave the page first: its late requests (a document's PDF) would otherwise be
    answered by the login page, whose session would replace the next login form's (and its CSRF token)."""
    page.goto("about:blank")
    page.context.clear_cookies()


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}/")


def walk(page, base: str, journey: Journey, on_page) -> None:
    """Log in, open every stop and call `on_page(stop, response)` on each; a stop whose list has no link of
    its kind is reported with response None (the demo should always have one)."""
    sign_out(page)
    log_in(page, base, journey.username)
    for stop in journey.stops:
        response = page.goto(base + stop.path)
        if stop.follow:
            link = page.locator(stop.follow).first
            if link.count() == 0:
                on_page(stop, None)
                continue
            with page.expect_navigation() as navigation:
                link.click()
            response = navigation.value
        page.wait_for_load_state("networkidle")
        on_page(stop, response)
