virtshare wizard --xml
