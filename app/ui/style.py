"""One look for the whole desktop: palette, font and a small stylesheet.

The Fusion style with an explicit light palette looks the same on Windows and Linux,
which matters when officers and trainers compare screens. Widgets never set colours
themselves: they set a `role` property ("muted", "title", "banner-warning", ...) and the
stylesheet below decides what it looks like, so status colours stay rare and consistent.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.paths import ICONS

COLOURS = {
    "window": "#f4f6f9",
    "surface": "#ffffff",
    "border": "#dde2e8",
    "border_strong": "#c5cdd6",
    "text": "#1f2933",
    "muted": "#5f6b7a",
    "accent": "#1f5fa8",
    "accent_dark": "#17457c",
    "accent_soft": "#e7effa",
    "selection": "#d6e6f8",
    "header": "#f0f2f5",
    "alternate": "#f8f9fb",
    "danger": "#b42318",
    "danger_bg": "#fdf0ef",
    "success": "#1a7f37",
    "warning_bg": "#fff4e0",
    "warning_border": "#efb45a",
    "warning_text": "#6b3d00",
}

FONT_FAMILIES = ["Segoe UI", "Noto Sans", "Cantarell", "Ubuntu", "DejaVu Sans"]
BASE_POINT_SIZE = 10

STYLESHEET = """
QMainWindow, QDialog {{ background: {window}; }}
QScrollArea#PageScroll, QScrollArea#PageScroll > QWidget > QWidget#Page {{ background: transparent; }}
QWidget {{ color: {text}; }}
QToolTip {{ background: {surface}; color: {text}; border: 1px solid {border_strong}; padding: 4px; }}

QFrame#NavPanel {{ background: {surface}; border: none; border-right: 1px solid {border}; }}
QLabel[role="nav-title"] {{ font-size: 12pt; font-weight: 700; color: {accent_dark}; }}
QListWidget#NavList {{ background: transparent; border: none; outline: 0; }}
QListWidget#NavList::item {{
    padding: 9px 14px; margin: 1px 8px; border-radius: 4px; color: {text};
}}
QListWidget#NavList::item:hover {{ background: {header}; }}
QListWidget#NavList::item:selected {{ background: {accent_soft}; color: {accent_dark}; font-weight: 600; }}

QLineEdit {{
    background: {surface}; border: 1px solid {border_strong}; border-radius: 4px;
    padding: 5px 8px; selection-background-color: {accent}; selection-color: white;
}}
QLineEdit:focus {{ border: 1px solid {accent}; }}
QSpinBox, QComboBox, QDateEdit, QDoubleSpinBox {{ min-height: 24px; }}
QDateEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{
    background: {surface}; border: 1px solid {border_strong}; border-radius: 4px; padding: 3px 6px;
}}
QDateEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus, QPlainTextEdit:focus {{
    border: 1px solid {accent};
}}
QDateEdit:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled, QComboBox:disabled, QLineEdit:disabled {{
    background: {header}; color: {muted};
}}
QComboBox::drop-down, QDateEdit::drop-down {{ border: none; width: 20px; }}
QLineEdit[invalid="true"], QDateEdit[invalid="true"], QComboBox[invalid="true"], QSpinBox[invalid="true"],
QDoubleSpinBox[invalid="true"], QPlainTextEdit[invalid="true"] {{
    border: 1px solid {danger}; background: {danger_bg};
}}
QCheckBox {{ spacing: 8px; }}
QLineEdit#SearchBox {{ font-size: 12pt; padding: 8px 10px; }}

QPushButton {{
    background: {surface}; border: 1px solid {border_strong}; border-radius: 4px;
    padding: 6px 16px; min-height: 18px;
}}
QPushButton:hover {{ background: {header}; }}
QPushButton:focus {{ border: 1px solid {accent}; }}
QPushButton:disabled {{ color: {muted}; background: {header}; }}
QToolButton {{
    background: {surface}; border: 1px solid {border_strong}; border-radius: 4px; padding: 6px 22px 6px 14px;
    min-height: 18px;
}}
QToolButton:hover {{ background: {header}; }}
QToolButton::menu-indicator {{ subcontrol-position: right center; right: 8px; }}
QPushButton[role="primary"] {{ background: {accent}; border-color: {accent}; color: white; }}
QPushButton[role="primary"]:hover {{ background: {accent_dark}; }}
QPushButton[role="segment"] {{ border-radius: 0px; padding: 6px 14px; margin-left: -1px; }}
QPushButton[role="segment"]:checked {{
    background: {accent_soft}; border: 1px solid {accent}; color: {accent_dark}; font-weight: 600;
}}
QListWidget#CodeList {{
    background: {surface}; border: 1px solid {border}; border-radius: 4px; outline: 0; padding: 2px;
}}
QListWidget#CodeList::item {{ padding: 4px 8px; border-radius: 3px; }}
QListWidget#CodeList::item:selected {{ background: {accent_soft}; color: {accent_dark}; }}
QPushButton[role="link"] {{
    background: transparent; border: none; color: {accent}; padding: 2px 0; text-align: left;
}}
QPushButton[role="link"]:hover {{ text-decoration: underline; }}

QTableView {{
    background: {surface}; border: 1px solid {border}; border-radius: 4px;
    gridline-color: {header}; alternate-background-color: {alternate};
    selection-background-color: {selection}; selection-color: {text};
}}
QTableView::item {{ padding: 0px 8px; }}
QHeaderView::section {{
    background: {header}; color: #3e4c59; font-weight: 600; border: none;
    border-bottom: 1px solid {border}; border-right: 1px solid {border}; padding: 6px 8px;
}}

QScrollArea[role="tab-scroll"] {{ background: transparent; border: none; }}
QScrollArea[role="tab-scroll"] > QWidget > QWidget {{ background: transparent; }}
QTabWidget::pane {{ border: 1px solid {border}; border-radius: 4px; background: {surface}; top: -1px; }}
QTabBar::tab {{
    background: transparent; color: {muted}; padding: 8px 18px; margin-right: 2px;
    border: none; border-bottom: 2px solid transparent;
}}
QTabBar::tab:selected {{ color: {accent_dark}; border-bottom: 2px solid {accent}; font-weight: 600; }}
QTabBar::tab:hover:!selected {{ color: {text}; }}

QProgressBar {{
    background: {header}; border: 1px solid {border_strong}; border-radius: 4px;
    text-align: center; min-height: 18px;
}}
QProgressBar::chunk {{ background: {accent}; border-radius: 3px; }}

QStatusBar {{ background: {surface}; border-top: 1px solid {border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ color: {muted}; padding: 0px 10px; }}

QFrame#AccountHeader, QFrame[role="card"] {{
    background: {surface}; border: 1px solid {border}; border-radius: 6px;
}}
QFrame#AccountHeader QLabel {{ background: transparent; }}
QFrame#AccountHeader QLabel[role="chip"] {{ background: {accent_soft}; }}
QFrame[role="divider"] {{ background: {border}; border: none; }}

QLabel[role="muted"] {{ color: {muted}; }}
QLabel[role="caption"] {{ color: {muted}; font-size: 9pt; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="page-title"] {{ font-size: 13pt; font-weight: 600; }}
QLabel[role="section"] {{ font-weight: 600; color: #323f4b; }}
QLabel[role="amount"] {{ font-size: 17pt; font-weight: 600; }}
QLabel[role="error"] {{ color: {danger}; }}
QLabel[role="positive"] {{ color: {success}; }}
QLabel[role="figure"] {{ font-size: 13pt; font-weight: 600; }}
QLabel[role="banner-error"] {{
    background: {danger_bg}; border: 1px solid #f1b5ae; color: {danger}; border-radius: 4px; padding: 8px 12px;
}}
QLabel[role="banner-info"] {{
    background: {accent_soft}; border: 1px solid #b9d0ee; color: {accent_dark}; border-radius: 4px; padding: 8px 12px;
}}
QLabel[role="chip"] {{
    background: {accent_soft}; color: {accent_dark}; border-radius: 10px; padding: 2px 10px;
}}
QLabel[role="banner-warning"] {{
    background: {warning_bg}; border: 1px solid {warning_border}; color: {warning_text};
    border-radius: 4px; padding: 8px 12px;
}}
""".format(**COLOURS)


def set_role(widget: QWidget, role: str) -> None:
    """Give a widget a stylesheet role; re-polish so a change of colour shows at once.

    Qt re-applies colours on re-polish but not padding or margins, so a role that changes
    a shown widget's box (chip, banner) must be set before it is shown; widgets that need
    both looks use two labels instead."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_invalid(widget: QWidget, reason: str | None) -> None:
    """Mark a field red with the reason in its tooltip, or clear it (reason None)."""
    invalid = reason is not None
    widget.setToolTip(reason or "")
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def palette() -> QPalette:
    pal = QPalette()
    c = {name: QColor(value) for name, value in COLOURS.items()}
    pal.setColor(QPalette.ColorRole.Window, c["window"])
    pal.setColor(QPalette.ColorRole.WindowText, c["text"])
    pal.setColor(QPalette.ColorRole.Base, c["surface"])
    pal.setColor(QPalette.ColorRole.AlternateBase, c["alternate"])
    pal.setColor(QPalette.ColorRole.Text, c["text"])
    pal.setColor(QPalette.ColorRole.Button, c["surface"])
    pal.setColor(QPalette.ColorRole.ButtonText, c["text"])
    pal.setColor(QPalette.ColorRole.Highlight, c["selection"])
    pal.setColor(QPalette.ColorRole.HighlightedText, c["text"])
    pal.setColor(QPalette.ColorRole.ToolTipBase, c["surface"])
    pal.setColor(QPalette.ColorRole.ToolTipText, c["text"])
    pal.setColor(QPalette.ColorRole.PlaceholderText, c["muted"])
    pal.setColor(QPalette.ColorRole.Link, c["accent"])
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, c["muted"])
    return pal


ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)  # rendered from revenues-desk.svg by scripts/make_icons.py


def app_icon() -> QIcon:
    """The application's icon at every size a title bar, taskbar or dock asks for (PNG, so
    no SVG image plugin is needed in the frozen build)."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(ICONS / f"revenues-desk-{size}.png"))
    return icon


def apply_style(app: QApplication) -> None:
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
